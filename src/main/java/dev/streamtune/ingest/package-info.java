/**
 * Ingest: labelled-image events into object storage, exactly once, with dead letters and training
 * triggers. A Kafka Streams topology ({@link dev.streamtune.ingest.IngestTopology#build}) decodes,
 * validates, repartitions by (model, image), decides new/relabel/duplicate in a state store, writes
 * {@code examples/{model}/{label}/{sha256}.{ext}} idempotently, counts changes per model and emits
 * {@code TrainingRequest}s. {@link dev.streamtune.ingest.IngestApp} runs it. {@link
 * dev.streamtune.ingest.DeadLetterReplay} re-sends dead letters after a fix, and {@link
 * dev.streamtune.ingest.ExampleErasure} erases stored examples (by sha256 or event id).
 */
package dev.streamtune.ingest;
