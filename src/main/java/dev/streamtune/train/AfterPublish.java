package dev.streamtune.train;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.store.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows a committed run, in the bucket and on {@code training.status}: the decision's
 * metrics, {@link Latest} for a PUBLISHED version, the {@link Janitor}'s sweep of the model's
 * orphaned runs and the run's final status line. The version is already out, so nothing here can
 * undo it and no failure here stops the trainer: a {@code LATEST} that could not be written is
 * repaired from {@code models.versions} once {@code retryDelay} has passed ({@link #repairIfDue}),
 * and again until a repair succeeds. The trainer also repairs every {@code LATEST} as it starts
 * ({@link #repairLatest}), for one a crash left behind. Used from the trainer loop's thread only.
 */
final class AfterPublish {
  private static final Logger LOG = LoggerFactory.getLogger(AfterPublish.class);
  private final TrainMetrics metrics;
  private final ObjectStore store;
  private final Supplier<VersionLog> versions;
  private final String versionsTopic;
  private final StatusReporter status;
  private final Clock clock;
  private final Duration retryDelay;
  private final Duration orphanGrace;
  private Instant repairAt;

  /**
   * @param store the bucket
   * @param versions reads {@code models.versions} afresh, for a repair
   * @param versionsTopic the topic's name, for the logs
   * @param status where the run's final line goes
   * @param clock the time of retries, sweeps and status lines
   * @param retryDelay how long after a failed write or repair {@code LATEST} is repaired
   * @param orphanGrace how old an orphaned run must be before the janitor removes it
   */
  AfterPublish(
      ObjectStore store,
      Supplier<VersionLog> versions,
      String versionsTopic,
      StatusReporter status,
      Clock clock,
      Duration retryDelay,
      Duration orphanGrace,
      TrainMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.versions = versions;
    this.versionsTopic = versionsTopic;
    this.status = status;
    this.clock = clock;
    this.retryDelay = retryDelay;
    this.orphanGrace = orphanGrace;
  }

  /**
   * Completes a committed run; never throws for a failure of the bucket.
   *
   * @param log the log read at the start of the run, for the janitor
   * @param v the run's result; null when it decided nothing (then the status says {@code skipped})
   */
  void run(String modelId, int version, String runId, VersionLog log, ModelVersion v) {
    try {
      metrics.decided(v);
      if (v != null && v.getStatus() == VersionStatus.PUBLISHED) {
        Latest.write(store, v);
        CrashPoints.reached("after-latest");
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "Version {} of {} is published, but LATEST could not be written; it is repaired from {} in {} s: {}",
          version,
          modelId,
          versionsTopic,
          retryDelay.toSeconds(),
          e.toString());
      repairAt = clock.instant().plus(retryDelay);
    }
    Janitor.afterPublish(store, modelId, log, v, clock.instant(), orphanGrace);
    status.report(
        modelId,
        version,
        runId,
        v == null ? Phase.SKIPPED : Phase.valueOf(v.getStatus().name()),
        0,
        0,
        Double.NaN,
        Double.NaN);
  }

  /** Brings every LATEST level with the topic; on failure (S3 or Kafka down) tries again later. */
  void repairLatest() {
    boolean done = Latest.repair(store, versions);
    repairAt = done ? null : clock.instant().plus(retryDelay);
  }

  /**
   * Repairs LATEST when a failed write or repair asked for it and its delay is over at {@code now}.
   */
  void repairIfDue(Instant now) {
    if (repairAt != null && !now.isBefore(repairAt)) {
      repairLatest();
    }
  }
}
