package dev.streamtune.events;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * How Streamtune's topics are created, and the least it accepts of existing ones.
 *
 * @param partitions partitions of each topic it creates, and the fewest an existing {@code
 *     images.labelled} or {@code training.requests} may have
 * @param replicationFactor replicas of each topic it creates; -1 takes the broker's default
 * @param statusRetention retention of the short-lived {@code training.status} topic
 */
public record TopicPolicy(int partitions, short replicationFactor, Duration statusRetention) {

  /** Partitions. */
  public static final Setting<Integer> PARTITIONS =
      Setting.integer(
          "topic.partitions",
          6,
          1,
          10_000,
          "partitions of the topics Streamtune creates, and the fewest it accepts on existing input topics");

  /** Replication. */
  public static final Setting<Integer> REPLICATION =
      Setting.integer(
              "topic.replication.factor",
              -1,
              -1,
              32,
              "replicas of the topics Streamtune creates; -1 takes the broker's default.replication.factor")
          .must(v -> v != 0, "must not be 0");

  /** Status retention. */
  public static final Setting<Duration> STATUS_RETENTION =
      Setting.duration(
              "topic.status.retention",
              Duration.ofHours(1),
              "retention of the training.status topic")
          .must(d -> !d.isZero(), "must be positive");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      List.of(PARTITIONS, REPLICATION, STATUS_RETENTION);

  /** Checks the values. */
  public TopicPolicy {
    if (partitions < 1 || replicationFactor == 0 || replicationFactor < -1) {
      throw new IllegalArgumentException("partitions must be >= 1 and replication -1 or >= 1");
    }
  }

  /** Reads the settings. */
  public static TopicPolicy from(ConfigSource source) {
    return new TopicPolicy(
        source.get(PARTITIONS), source.get(REPLICATION).shortValue(), source.get(STATUS_RETENTION));
  }
}
