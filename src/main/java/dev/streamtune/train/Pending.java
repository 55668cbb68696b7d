package dev.streamtune.train;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Training requests fetched but not yet answered, coalesced per model, and the offsets that may be
 * committed once a model's run is done: up to, not past, the first request still outstanding on
 * each partition, so that finishing one model never consumes another model's request.
 *
 * <p>One batch at a time is running: {@link #take} hands it out, and {@link #done} or {@link
 * #rewind} ends it. A rebalance may revoke any partition at any moment: every partition (eager
 * assignors) or only those moved (cooperative ones). The requests of a revoked partition are
 * forgotten, waiting or running, since its new owner fetches them again from the committed offset;
 * a running batch that lost a partition is {@link #revoked}, and its answer must not be committed.
 */
final class Pending {
  private final LinkedHashMap<String, Batch> byModel = new LinkedHashMap<>();
  private final Map<TopicPartition, TreeSet<Long>> outstanding = new HashMap<>();
  private final Map<TopicPartition, Long> next = new HashMap<>();
  private final Set<TopicPartition> lostByRunning = new HashSet<>();
  private Batch running;

  /**
   * The coalesced requests of one model.
   *
   * @param modelId the model
   * @param requestId the latest request's id
   * @param requestedAt the earliest request's time
   * @param count how many requests
   * @param offsets each request's partition and offset, of the partitions this trainer still owns
   * @param manual whether a person asked for one of them ({@code MANUAL}): the run then lists the
   *     bucket instead of following the example index
   * @param trigger what the latest request that said why it was made said (a drift's statistics),
   *     or null: the model card records it
   */
  record Batch(
      String modelId,
      String requestId,
      Instant requestedAt,
      int count,
      Map<TopicPartition, TreeSet<Long>> offsets,
      boolean manual,
      String trigger) {}

  /** Adds a fetched request that no person asked for. */
  void add(String modelId, String requestId, Instant requestedAt, TopicPartition tp, long offset) {
    add(modelId, requestId, requestedAt, false, null, tp, offset);
  }

  /**
   * Adds a fetched request.
   *
   * @param trigger what the request says triggered it, or null
   */
  void add(
      String modelId,
      String requestId,
      Instant requestedAt,
      boolean manual,
      String trigger,
      TopicPartition tp,
      long offset) {
    Batch b = byModel.get(modelId);
    Map<TopicPartition, TreeSet<Long>> offsets = b == null ? new HashMap<>() : b.offsets();
    offsets.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
    byModel.put(
        modelId,
        new Batch(
            modelId,
            requestId,
            b == null || requestedAt.isBefore(b.requestedAt()) ? requestedAt : b.requestedAt(),
            b == null ? 1 : b.count() + 1,
            offsets,
            manual || (b != null && b.manual()),
            trigger != null || b == null ? trigger : b.trigger()));
    outstanding.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
    seen(tp, offset);
  }

  /** Records an offset that needs no run (a malformed request). */
  void seen(TopicPartition tp, long offset) {
    next.merge(tp, offset + 1, Math::max);
  }

  /** Takes the model waiting longest, if any, as the running batch. */
  Optional<Batch> take() {
    var it = byModel.values().iterator();
    if (!it.hasNext()) {
      return Optional.empty();
    }
    running = it.next();
    it.remove();
    lostByRunning.clear();
    return Optional.of(running);
  }

  /**
   * Whether a rebalance revoked any of the running batch's partitions since it was taken: another
   * trainer (or this one, after an eager rebalance) fetches its requests again from the committed
   * offset, so committing this run's answer would answer them twice.
   */
  @SuppressWarnings("ReferenceEquality") // the running batch itself, not an equal one
  boolean revoked(Batch b) {
    return b == running && !lostByRunning.isEmpty();
  }

  /**
   * The offsets to commit with a batch's answer: on each of its partitions, the first request still
   * outstanding once the batch is answered, or past the last one fetched. Changes nothing: the
   * batch stays outstanding until {@link #done}, so a commit that fails can be rewound.
   */
  Map<TopicPartition, OffsetAndMetadata> offsetsAfter(Batch b) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    b.offsets()
        .forEach(
            (tp, offs) -> {
              Long first =
                  outstanding.getOrDefault(tp, new TreeSet<>()).stream()
                      .filter(o -> !offs.contains(o))
                      .findFirst()
                      .orElse(next.get(tp));
              if (first != null) {
                commit.put(tp, new OffsetAndMetadata(first));
              }
            });
    return commit;
  }

  /** Marks a batch answered (or left to its partitions' new owner), and returns its offsets. */
  Map<TopicPartition, OffsetAndMetadata> done(Batch b) {
    Map<TopicPartition, OffsetAndMetadata> commit = offsetsAfter(b);
    b.offsets()
        .forEach(
            (tp, offs) -> {
              TreeSet<Long> out = outstanding.get(tp);
              if (out != null) {
                out.removeAll(offs);
              }
            });
    end(b);
    return commit;
  }

  /**
   * Ends a batch that must run again: forgets the requests of its partitions and returns where to
   * seek each to fetch them again (its first outstanding request).
   */
  Map<TopicPartition, Long> rewind(Batch b) {
    Set<TopicPartition> parts = Set.copyOf(b.offsets().keySet());
    Map<TopicPartition, Long> seek = new HashMap<>();
    for (TopicPartition tp : parts) {
      TreeSet<Long> out = outstanding.get(tp);
      if (out != null && !out.isEmpty()) {
        seek.put(tp, out.first());
      }
    }
    end(b);
    revoke(parts);
    return seek;
  }

  /**
   * Forgets everything of partitions no longer assigned (their requests go to the new owner): the
   * whole assignment in an eager rebalance, the partitions moved in a cooperative one.
   */
  void revoke(Collection<TopicPartition> parts) {
    parts.forEach(
        tp -> {
          outstanding.remove(tp);
          next.remove(tp);
        });
    byModel
        .values()
        .removeIf(
            b -> {
              b.offsets().keySet().removeAll(parts);
              return b.offsets().isEmpty();
            });
    if (running != null) {
      for (TopicPartition tp : parts) {
        if (running.offsets().remove(tp) != null) {
          lostByRunning.add(tp);
        }
      }
    }
  }

  @SuppressWarnings("ReferenceEquality") // the running batch itself, not an equal one
  private void end(Batch b) {
    if (b == running) {
      running = null;
      lostByRunning.clear();
    }
  }
}
