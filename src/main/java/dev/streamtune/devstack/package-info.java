/**
 * The embedded stack for a machine without Docker: real servers in this JVM, on loopback.
 *
 * <p>{@link dev.streamtune.devstack.EmbeddedKafka} is a real Kafka KRaft broker and controller
 * ({@code kafka.server.KafkaRaftServer}, the code path of {@code kafka.Kafka}). The schema registry
 * is {@link dev.streamtune.events.registry.EmbeddedSchemaRegistry}.
 */
package dev.streamtune.devstack;
