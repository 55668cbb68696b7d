package dev.streamtune.train;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TrainingMode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * The trainer's meters, in the registry the process passed in ({@link TrainerApp.Parts#meters()}):
 * versions decided by status and mode, training time, validation accuracy, examples quarantined and
 * label conflicts, and images prefetched, per model.
 */
final class TrainMetrics {
  private final MeterRegistry meters;

  TrainMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  /** A version was published (as PUBLISHED or REJECTED); null when nothing was trained. */
  void decided(ModelVersion v) {
    if (v == null) {
      return;
    }
    String m = v.getModelId();
    meters
        .counter(
            "streamtune.train.versions",
            "model",
            m,
            "status",
            v.getStatus().toString(),
            "mode",
            v.getTraining().getMode().toString())
        .increment();
    meters
        .timer("streamtune.train.duration", "model", m)
        .record(Duration.ofMillis(v.getTimings().getTrainingMillis()));
    meters.summary("streamtune.train.accuracy", "model", m).record(v.getMetrics().getAccuracy());
  }

  /** An example was quarantined for {@code reason}. */
  void quarantined(String modelId, String reason) {
    meters.counter("streamtune.train.quarantined", "model", modelId, "reason", reason).increment();
  }

  /**
   * {@code n} images of a model had their values for a run in {@code mode} (features or
   * activations) computed ahead of its next run.
   */
  void prefetched(String modelId, TrainingMode mode, long n) {
    meters
        .counter("streamtune.train.prefetched", "model", modelId, "mode", mode.toString())
        .increment(n);
  }

  /** An image was found in two label folders of a model. */
  void labelConflict(String modelId) {
    meters.counter("streamtune.train.label.conflicts", "model", modelId).increment();
  }
}
