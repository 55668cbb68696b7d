package dev.streamtune.ingest;

import io.micrometer.core.instrument.Metrics;

/**
 * Ingest's meters, in Micrometer's global registry (serve exposes them): examples stored,
 * duplicates skipped, bytes stored, and records dead-lettered by stage and reason. Consumer lag
 * comes from Kafka Streams' own metrics, bound by {@link IngestApp}.
 */
final class IngestMetrics {
  static final String STORED = "streamtune.ingest.stored";
  static final String DUPLICATES = "streamtune.ingest.duplicates";
  static final String STORED_BYTES = "streamtune.ingest.stored.bytes";
  static final String DEAD_LETTERED = "streamtune.ingest.dead.lettered";

  private IngestMetrics() {}

  static void stored(String kind, long bytes) {
    Metrics.counter(STORED, "kind", kind).increment();
    Metrics.counter(STORED_BYTES).increment((double) bytes);
  }

  static void duplicate() {
    Metrics.counter(DUPLICATES).increment();
  }

  static void deadLettered(String stage, String reason) {
    Metrics.counter(DEAD_LETTERED, "stage", stage, "reason", reason).increment();
  }
}
