package dev.streamtune.train;

import dev.streamtune.events.ModelVersion;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a finished run on the Kafka side: publishes its {@link ModelVersion} and commits its
 * requests' offsets in one transaction of the model's producer (see {@link Publishing}), or drops
 * the run unpublished when it may no longer answer its requests. Each end marks the batch in {@link
 * Pending} done, or says ({@link Outcome#RUN_AGAIN}) that the trainer must rewind it.
 *
 * <p>A run is dropped when a rebalance moved one of its requests' partitions during the run ({@link
 * Pending#revoked}), and when its commit fails: fenced by a newer producer of the model (a
 * rollback, a racing trainer) or timed out. Either way its artifacts stay in the bucket for the
 * {@link Janitor}. Used from the trainer loop's thread only; {@link #fenced} may be read anywhere.
 */
final class RunCommit {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommit.class);
  private static final int COMMIT_ATTEMPTS = 3;
  private final Consumer<String, byte[]> requests;
  private final Pending pending;
  private final String versionsTopic;
  private final AtomicInteger fenced = new AtomicInteger();

  /** How a run ended. */
  enum Outcome {
    /** The version (if any) and the offsets are committed; the batch is done. */
    PUBLISHED,
    /** Not published, and this trainer still owns the requests: the caller rewinds the batch. */
    RUN_AGAIN,
    /**
     * Not published, and the requests are the partitions' new owner's to answer; the batch is done.
     */
    LEFT
  }

  /**
   * @param requests the request consumer: its group metadata goes into the transaction, and its
   *     assignment says whether a failed commit leaves the requests with this trainer
   * @param pending the requests waiting and running
   * @param versionsTopic {@code models.versions}
   */
  RunCommit(Consumer<String, byte[]> requests, Pending pending, String versionsTopic) {
    this.requests = requests;
    this.pending = pending;
    this.versionsTopic = versionsTopic;
  }

  /**
   * Drops the run when a rebalance revoked one of its requests' partitions during the run: its new
   * owner (perhaps this trainer again) answers the request, so publishing would answer it twice.
   *
   * @return whether the run was dropped (then the batch is done)
   */
  boolean abandonIfRevoked(Pending.Batch b, int version, String runId) {
    if (!pending.revoked(b)) {
      return false;
    }
    fenced.incrementAndGet();
    LOG.warn(
        "Version {} of {} (run {}) is not published: a rebalance moved its request's partition during the run, "
            + "and the partition's owner (perhaps this trainer again) answers it; the run's artifacts are left for the "
            + "janitor",
        version,
        b.modelId(),
        runId);
    pending.done(b);
    return true;
  }

  /**
   * Publishes the version (none when the run was skipped) and commits the batch's offsets in one
   * transaction. When the commit fails, the run is not published; the request is run again if this
   * trainer still owns its partitions (a rollback or a timeout cut the commit, and nobody else will
   * answer it), and left to the new owner otherwise.
   *
   * @param producer the model's transactional producer, its transactions initialised
   * @param v the run's result; null when it decided nothing
   */
  Outcome commit(
      KafkaProducer<String, ModelVersion> producer,
      Pending.Batch b,
      int version,
      String runId,
      ModelVersion v) {
    String m = b.modelId();
    try {
      producer.beginTransaction();
      if (v != null) {
        producer.send(new ProducerRecord<>(versionsTopic, m + "/" + v.getVersion(), v));
      }
      producer.sendOffsetsToTransaction(pending.offsetsAfter(b), requests.groupMetadata());
      commitAwaiting(producer, m, version);
      pending.done(b);
      return Outcome.PUBLISHED;
    } catch (KafkaException e) {
      boolean stillOurs = requests.assignment().containsAll(b.offsets().keySet());
      boolean unknown =
          e instanceof org.apache.kafka.common.errors.TimeoutException
              || e instanceof org.apache.kafka.common.errors.InterruptException;
      if (stillOurs && unknown && landed(b)) {
        LOG.info(
            "Version {} of {} (run {}): the commit reported {}, but its offsets are committed: it was published",
            version,
            m,
            runId,
            e.toString());
        pending.done(b);
        return Outcome.PUBLISHED;
      }
      fenced.incrementAndGet();
      LOG.warn(
          "Version {} of {} (run {}) was not published: {} ({}); the run's artifacts are left for the janitor",
          version,
          m,
          runId,
          stillOurs
              ? "the commit failed while this trainer still owns the request, "
                  + "which will be run again"
              : "this trainer was fenced or lost the request's partition",
          e.toString());
      if (stillOurs) {
        return Outcome.RUN_AGAIN;
      }
      pending.done(b);
      return Outcome.LEFT;
    }
  }

  /**
   * Commits, awaiting again a commit that timed out: Kafka may still be completing it, and calling
   * {@code commitTransaction} again is the documented way to wait for the outcome.
   */
  private static void commitAwaiting(
      KafkaProducer<String, ModelVersion> producer, String model, int version) {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        if (attempt == COMMIT_ATTEMPTS) {
          throw e;
        }
        LOG.warn(
            "Committing version {} of {} timed out ({}); awaiting it again",
            version,
            model,
            e.getMessage());
      }
    }
  }

  /** Whether the group's committed offsets already are the batch's: its transaction did commit. */
  private boolean landed(Pending.Batch b) {
    try {
      var committed = requests.committed(b.offsets().keySet(), java.time.Duration.ofSeconds(30));
      return pending.offsetsAfter(b).entrySet().stream()
          .allMatch(
              e ->
                  committed.get(e.getKey()) != null
                      && committed.get(e.getKey()).offset() == e.getValue().offset());
    } catch (KafkaException e) {
      return false;
    }
  }

  /** Runs not published because this trainer was fenced, failed to commit or lost the request. */
  int fenced() {
    return fenced.get();
  }
}
