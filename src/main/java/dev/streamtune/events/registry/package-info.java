/**
 * The embedded schema registry: a small, real server for the dev stack and the tests that speaks
 * the Confluent Schema Registry REST API. Production uses Confluent Schema Registry (or Apicurio,
 * or Karapace) through {@link dev.streamtune.events.SchemaRegistryClient}.
 *
 * <ul>
 *   <li>{@link dev.streamtune.events.registry.LocalSchemaRegistry}: subjects, versions, ids,
 *       compatibility levels and checks, in process; in memory or durable.
 *   <li>{@link dev.streamtune.events.registry.EmbeddedSchemaRegistry}: that registry behind the
 *       REST API on the JDK's HTTP server, stored in a compacted Kafka topic ({@code _schemas}, as
 *       Confluent does) so that it survives restarts, with optional HTTP basic auth.
 * </ul>
 */
package dev.streamtune.events.registry;
