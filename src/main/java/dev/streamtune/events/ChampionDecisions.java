package dev.streamtune.events;

import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Builds, keys and sends {@link ChampionDecision}s on the compacted {@code models.champions}: the
 * feedback role's verdict when a challenger's trial ends, and an operator's {@code streamtune
 * models promote}. A decision is keyed {@code {modelId}/{challenger}/{decidedBy}} ({@link #key}),
 * so that compaction keeps every decision that could matter: a trial's verdict and an operator's on
 * the same version are both kept, in order, and a reader folds them ({@link #fold}). What serve
 * makes of the folded decision is {@code serve.Lineup}'s rule.
 */
public final class ChampionDecisions {
  /** {@code decidedBy} of the feedback role's trials. */
  public static final String BY_TRIAL = "feedback";

  private ChampionDecisions() {}

  /**
   * A decision that makes {@code champion} the version served.
   *
   * @param settles the highest version this decision settles (see {@link
   *     ChampionDecision#getChallenger()})
   */
  public static ChampionDecision promoted(
      String modelId, int champion, int settles, String by, String detail, Instant at) {
    return of(modelId, champion, settles, DecisionOutcome.PROMOTED, by, detail, at);
  }

  /** A decision that keeps {@code champion} and retires the challenger {@code loser}. */
  public static ChampionDecision kept(
      String modelId, int champion, int loser, String by, String detail, Instant at) {
    return of(modelId, champion, loser, DecisionOutcome.KEPT, by, detail, at);
  }

  /** The record key of a decision: {@code {modelId}/{challenger}/{decidedBy}}. */
  public static String key(ChampionDecision d) {
    return d.getModelId() + "/" + d.getChallenger() + "/" + d.getDecidedBy();
  }

  /**
   * The decision in force after {@code next}, read after {@code held} (null when none was): an
   * operator's decision always takes effect; a trial's only if it settles a newer version than
   * {@code held} did, so that a verdict on a challenger an operator has already settled (its last
   * answers were still in flight) changes nothing. The result settles the highest version either
   * settled.
   */
  public static ChampionDecision fold(ChampionDecision held, ChampionDecision next) {
    if (held == null) {
      return next;
    }
    if (BY_TRIAL.equals(next.getDecidedBy()) && next.getChallenger() <= held.getChallenger()) {
      return held;
    }
    ChampionDecision out = ChampionDecision.newBuilder(next).build();
    out.setChallenger(Math.max(held.getChallenger(), next.getChallenger()));
    return out;
  }

  /** The {@code decidedBy} of an operator's decision. */
  public static String byOperator(String name) {
    return "operator:" + name;
  }

  /**
   * Sends {@code decision} to {@code topic} with an idempotent producer, and waits for the broker.
   *
   * @throws ExecutionException when the broker refused it
   */
  public static RecordMetadata send(
      KafkaConfig kafka,
      SchemaRegistryClient registry,
      RegistryConfig registryConfig,
      String topic,
      ChampionDecision decision)
      throws ExecutionException, InterruptedException {
    try (var producer =
        new KafkaProducer<>(
            kafka.idempotentProducerProps(),
            new StringSerializer(),
            ConfluentAvroSerde.of(ChampionDecision.class, registry, registryConfig).serializer())) {
      return producer.send(new ProducerRecord<>(topic, key(decision), decision)).get();
    }
  }

  private static ChampionDecision of(
      String modelId,
      int champion,
      int settles,
      DecisionOutcome outcome,
      String by,
      String detail,
      Instant at) {
    if (champion < 1 || settles < 0) {
      throw new IllegalArgumentException(
          "a champion is a version from 1, and settles at least 0: " + champion + ", " + settles);
    }
    return ChampionDecision.newBuilder()
        .setModelId(modelId)
        .setChampion(champion)
        .setChallenger(settles)
        .setOutcome(outcome)
        .setDecidedAt(at)
        .setDecidedBy(by)
        .setDetail(detail)
        .build();
  }
}
