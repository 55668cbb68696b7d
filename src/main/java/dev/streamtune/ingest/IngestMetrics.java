package dev.streamtune.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;

/**
 * Ingest's meters, in the registry the process passed to {@link IngestApp}: examples stored,
 * duplicates skipped, bytes stored, and records dead-lettered by stage and reason. Consumer lag
 * comes from Kafka Streams' own metrics, bound by {@link IngestApp}. The dead-letter handlers,
 * which Kafka Streams creates from their class names, find it in the streams properties under
 * {@value #PROPERTY}.
 */
final class IngestMetrics {
  static final String STORED = "streamtune.ingest.stored";
  static final String DUPLICATES = "streamtune.ingest.duplicates";
  static final String STORED_BYTES = "streamtune.ingest.stored.bytes";
  static final String DEAD_LETTERED = "streamtune.ingest.dead.lettered";

  /** The streams property that carries this object to the dead-letter handlers. */
  static final String PROPERTY = "streamtune.ingest.metrics";

  private final MeterRegistry meters;

  IngestMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  /** The meters the handlers' {@code configure} was given, or ones nobody reads. */
  static IngestMetrics from(Map<String, ?> configs) {
    return configs.get(PROPERTY) instanceof IngestMetrics m
        ? m
        : new IngestMetrics(new SimpleMeterRegistry());
  }

  MeterRegistry registry() {
    return meters;
  }

  void stored(String kind, long bytes) {
    meters.counter(STORED, "kind", kind).increment();
    meters.counter(STORED_BYTES).increment((double) bytes);
  }

  void duplicate() {
    meters.counter(DUPLICATES).increment();
  }

  void deadLettered(String stage, String reason) {
    meters.counter(DEAD_LETTERED, "stage", stage, "reason", reason).increment();
  }
}
