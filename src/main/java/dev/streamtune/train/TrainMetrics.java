package dev.streamtune.train;

import dev.streamtune.events.ModelVersion;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;

/**
 * The trainer's meters, in Micrometer's global registry (serve exposes them): versions decided by
 * status and mode, training time, validation accuracy, and examples quarantined, per model.
 */
final class TrainMetrics {
  private TrainMetrics() {}

  /** A version was published (as PUBLISHED or REJECTED); null when nothing was trained. */
  static void decided(ModelVersion v) {
    if (v == null) {
      return;
    }
    String m = v.getModelId();
    Metrics.counter(
            "streamtune.train.versions",
            "model",
            m,
            "status",
            v.getStatus().toString(),
            "mode",
            v.getTraining().getMode().toString())
        .increment();
    Metrics.timer("streamtune.train.duration", "model", m)
        .record(Duration.ofMillis(v.getTimings().getTrainingMillis()));
    Metrics.summary("streamtune.train.accuracy", "model", m).record(v.getMetrics().getAccuracy());
  }

  /** An example was quarantined for {@code reason}. */
  static void quarantined(String modelId, String reason) {
    Metrics.counter("streamtune.train.quarantined", "model", modelId, "reason", reason).increment();
  }
}
