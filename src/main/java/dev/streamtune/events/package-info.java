/**
 * Event contracts and their wire format.
 *
 * <ul>
 *   <li>The Avro types ({@code LabelledImage}, {@code TrainingRequest}, {@code ModelVersion} and
 *       their nested records), generated at build time from {@code schemas/*.avsc}; {@link
 *       dev.streamtune.events.EventSchemas} gives the {@code .avsc} text that is registered.
 *   <li>{@link dev.streamtune.events.ConfluentAvroSerde}: a Kafka serde for Confluent's wire format
 *       (magic byte 0, 4-byte big-endian schema id, Avro binary), whose decoding errors are a typed
 *       {@link dev.streamtune.events.MalformedPayloadException}.
 *   <li>{@link dev.streamtune.events.SchemaRegistry}, with the REST client {@link
 *       dev.streamtune.events.SchemaRegistryClient} for Confluent Schema Registry, Apicurio's
 *       ccompat API and Karapace; the embedded server is in {@code events.registry}.
 *   <li>{@link dev.streamtune.events.TopicNames} and {@link dev.streamtune.events.Failures}, the
 *       one place that decides whether an error is retried, dead-lettered or fatal.
 * </ul>
 */
package dev.streamtune.events;
