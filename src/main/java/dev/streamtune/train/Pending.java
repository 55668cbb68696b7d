package dev.streamtune.train;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Training requests fetched but not yet answered, coalesced per model, and the offsets that may be
 * committed once a model's run is done: up to, not past, the first request still outstanding on
 * each partition, so that finishing one model never consumes another model's request.
 */
final class Pending {
  private final LinkedHashMap<String, Batch> byModel = new LinkedHashMap<>();
  private final Map<TopicPartition, TreeSet<Long>> outstanding = new HashMap<>();
  private final Map<TopicPartition, Long> next = new HashMap<>();

  /**
   * The coalesced requests of one model.
   *
   * @param modelId the model
   * @param requestId the latest request's id
   * @param requestedAt the earliest request's time
   * @param count how many requests
   * @param offsets each request's partition and offset
   */
  record Batch(String modelId, String requestId, Instant requestedAt, int count,
      Map<TopicPartition, TreeSet<Long>> offsets) {}

  /** Adds a fetched request. */
  void add(String modelId, String requestId, Instant requestedAt, TopicPartition tp, long offset) {
    Batch b = byModel.get(modelId);
    Map<TopicPartition, TreeSet<Long>> offsets = b == null ? new HashMap<>() : b.offsets();
    offsets.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
    byModel.put(modelId, new Batch(modelId, requestId,
        b == null || requestedAt.isBefore(b.requestedAt()) ? requestedAt : b.requestedAt(),
        b == null ? 1 : b.count() + 1, offsets));
    outstanding.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
    seen(tp, offset);
  }

  /** Records an offset that needs no run (an unreadable request). */
  void seen(TopicPartition tp, long offset) {
    next.merge(tp, offset + 1, Math::max);
  }

  /** Takes the model waiting longest, if any. */
  Optional<Batch> take() {
    var it = byModel.values().iterator();
    if (!it.hasNext()) {
      return Optional.empty();
    }
    Batch b = it.next();
    it.remove();
    return Optional.of(b);
  }

  /**
   * The offsets to commit with a batch's answer: on each of its partitions, the first request still
   * outstanding once the batch is answered, or past the last one fetched. Changes nothing: the
   * batch stays outstanding until {@link #done}, so a commit that fails can be rewound.
   */
  Map<TopicPartition, OffsetAndMetadata> offsetsAfter(Batch b) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    b.offsets().forEach((tp, offs) -> {
      Long first = outstanding.getOrDefault(tp, new TreeSet<>()).stream().filter(o -> !offs.contains(o))
          .findFirst().orElse(null);
      commit.put(tp, new OffsetAndMetadata(first == null ? next.get(tp) : first));
    });
    return commit;
  }

  /** Marks a batch answered, once its offsets are committed, and returns them. */
  Map<TopicPartition, OffsetAndMetadata> done(Batch b) {
    Map<TopicPartition, OffsetAndMetadata> commit = offsetsAfter(b);
    b.offsets().forEach((tp, offs) -> {
      TreeSet<Long> out = outstanding.get(tp);
      if (out != null) {
        out.removeAll(offs);
      }
    });
    return commit;
  }

  /**
   * Forgets the requests of these partitions and returns where to seek each to fetch them again:
   * its first outstanding request, for a run that must be retried.
   */
  Map<TopicPartition, Long> rewind(java.util.Collection<TopicPartition> parts) {
    Map<TopicPartition, Long> seek = new HashMap<>();
    for (TopicPartition tp : parts) {
      TreeSet<Long> out = outstanding.get(tp);
      if (out != null && !out.isEmpty()) {
        seek.put(tp, out.first());
      }
    }
    revoke(java.util.List.copyOf(parts));
    return seek;
  }

  /** Forgets everything of partitions no longer assigned (their requests go to the new owner). */
  void revoke(java.util.Collection<TopicPartition> parts) {
    parts.forEach(tp -> {
      outstanding.remove(tp);
      next.remove(tp);
    });
    byModel.values().removeIf(b -> {
      b.offsets().keySet().removeAll(parts);
      return b.offsets().isEmpty();
    });
  }
}
