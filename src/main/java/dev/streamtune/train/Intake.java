package dev.streamtune.train;

import dev.streamtune.events.Failures;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes fetched training requests into {@link Pending}. A malformed request (as {@link
 * Failures#classify} says: {@code DEAD_LETTER}) is skipped, logged once with its reason. Any other
 * failure to decode one (the registry is down, say) is no reason to skip it: the consumer seeks
 * back to it, its partition waits {@code retryDelay}, and then it is read again, so no trigger is
 * lost and a partition's requests keep their order. Also the consumer's rebalance listener. Used
 * from the trainer loop's thread only.
 */
final class Intake implements ConsumerRebalanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(Intake.class);
  private final Consumer<String, byte[]> consumer;
  private final Deserializer<TrainingRequest> decoder;
  private final Pending pending;
  private final BooleanSupplier training;
  private final Clock clock;
  private final Duration retryDelay;
  private final Map<TopicPartition, Instant> stalled = new HashMap<>();
  private final AtomicInteger deferred = new AtomicInteger();

  Intake(
      Consumer<String, byte[]> consumer,
      Deserializer<TrainingRequest> decoder,
      Pending pending,
      BooleanSupplier training,
      Clock clock,
      Duration retryDelay) {
    this.training = training;
    this.consumer = consumer;
    this.decoder = decoder;
    this.pending = pending;
    this.clock = clock;
    this.retryDelay = retryDelay;
  }

  /** Decodes the polled requests, but none of a partition waiting to be read again. */
  void read(ConsumerRecords<String, byte[]> polled) {
    for (ConsumerRecord<String, byte[]> r : polled) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      if (!stalled.containsKey(tp)) {
        accept(tp, r);
      }
    }
  }

  private void accept(TopicPartition tp, ConsumerRecord<String, byte[]> r) {
    try {
      TrainingRequest q = decoder.deserialize(r.topic(), r.headers(), r.value());
      pending.add(
          q.getModelId(),
          q.getRequestId(),
          q.getRequestedAt(),
          q.getReason() == TrainingReason.MANUAL,
          q.getDetail() == null ? null : q.getReason() + ": " + q.getDetail(),
          tp,
          r.offset());
    } catch (RuntimeException e) {
      Failures.Disposition d = Failures.classify(e);
      if (d == Failures.Disposition.DEAD_LETTER) {
        LOG.error(
            "Skipping malformed training request at {}@{}: {}", tp, r.offset(), e.getMessage());
        pending.seen(tp, r.offset());
        return;
      }
      String what = "Could not read the training request at {}@{}; reading it again in {} s: {}";
      if (d == Failures.Disposition.RETRY) {
        LOG.warn(what, tp, r.offset(), retryDelay.toSeconds(), e.toString());
      } else {
        LOG.error(what, tp, r.offset(), retryDelay.toSeconds(), e.toString());
      }
      deferred.incrementAndGet();
      consumer.seek(tp, r.offset());
      consumer.pause(List.of(tp));
      stalled.put(tp, clock.instant().plus(retryDelay));
    }
  }

  /**
   * Ends the waits that are over; their partitions resume now when {@code idle}, else with the
   * others once the run is over ({@link #resumable}).
   */
  void resumeDue(boolean idle) {
    Instant now = clock.instant();
    List<TopicPartition> due =
        stalled.entrySet().stream()
            .filter(e -> !now.isBefore(e.getValue()))
            .map(Map.Entry::getKey)
            .toList();
    due.forEach(stalled::remove);
    if (idle) {
      consumer.resume(due);
    }
  }

  /** The paused partitions to resume after a run: all but those waiting to be read again. */
  Set<TopicPartition> resumable() {
    Set<TopicPartition> paused = new HashSet<>(consumer.paused());
    paused.removeAll(stalled.keySet());
    return paused;
  }

  /**
   * Forgets the requests and waits of partitions a rebalance took away: all of them (eager), or
   * those moved (cooperative); {@link Pending#revoked} then says whether the running batch lost
   * one.
   */
  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
    pending.revoke(revoked);
    stalled.keySet().removeAll(revoked);
  }

  /** Pauses partitions assigned while a model trains, as the others are. */
  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
    if (training.getAsBoolean()) {
      consumer.pause(assigned);
    }
  }

  /**
   * The request consumer's properties: the trainer's group, read-committed, offsets committed in
   * transactions, and the cooperative-sticky assignor, so that a trainer joining or leaving the
   * group moves only the partitions that must move and the others' runs go on.
   */
  static Map<String, Object> consumerProps(KafkaConfig kafka, TrainConfig config) {
    Map<String, Object> c = kafka.readCommittedConsumerProps();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    c.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    return c;
  }

  /** How many times a request could not be decoded and was put back to be read again. */
  int deferred() {
    return deferred.get();
  }
}
