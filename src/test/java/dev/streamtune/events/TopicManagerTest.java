package dev.streamtune.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.events.TopicManager.TopicState;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicManagerTest {
  private final TopicNames names = TopicNames.defaults();
  private final TopicPolicy policy = new TopicPolicy(6, (short) 3, Duration.ofMinutes(30));

  @Test
  void wantsEveryDesignTopicWithItsPolicy() {
    var wanted = TopicManager.wanted(names, policy);
    assertThat(wanted)
        .extracting(NewTopic::name)
        .containsExactlyInAnyOrder(
            "images.labelled",
            "images.labelled.dlq",
            "training.requests",
            "models.versions",
            "training.status",
            "examples.index",
            "predictions",
            "labelling.requests",
            "models.champions");
    assertThat(wanted)
        .allSatisfy(
            t -> {
              assertThat(t.numPartitions()).isEqualTo(t.name().equals("models.champions") ? 1 : 6);
              assertThat(t.replicationFactor()).isEqualTo((short) 3);
            });
    NewTopic versions =
        wanted.stream().filter(t -> t.name().equals("models.versions")).findFirst().orElseThrow();
    assertThat(versions.configs()).containsEntry("cleanup.policy", "compact");
    NewTopic status =
        wanted.stream().filter(t -> t.name().equals("training.status")).findFirst().orElseThrow();
    assertThat(status.configs()).containsEntry("retention.ms", "1800000");
    NewTopic index =
        wanted.stream().filter(t -> t.name().equals("examples.index")).findFirst().orElseThrow();
    assertThat(index.configs())
        .containsEntry("cleanup.policy", "compact")
        .containsEntry("delete.retention.ms", "604800000");
    NewTopic champions =
        wanted.stream().filter(t -> t.name().equals("models.champions")).findFirst().orElseThrow();
    assertThat(champions.configs()).containsEntry("cleanup.policy", "compact");
    assertThat(champions.numPartitions()).as("one order for every decision").isEqualTo(1);
  }

  @Test
  void refusesAChampionsTopicOfMorePartitionsThanOne() {
    assertThatThrownBy(
            () -> TopicManager.check(state("models.champions", 3, 3, "compact"), names, policy))
        .hasMessageContaining("must have 1");
    assertThatCode(
            () -> TopicManager.check(state("models.champions", 1, 3, "compact"), names, policy))
        .doesNotThrowAnyException();
  }

  @Test
  void brokerDefaultReplicationLeavesItUnset() {
    var wanted = TopicManager.wanted(names, new TopicPolicy(1, (short) -1, Duration.ofHours(1)));
    assertThat(wanted).allSatisfy(t -> assertThat(t.replicationFactor()).isEqualTo((short) -1));
  }

  @Test
  void acceptsSaneTopics() {
    assertThatCode(
            () -> TopicManager.check(state("models.versions", 1, 3, "compact"), names, policy))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> TopicManager.check(state("images.labelled", 12, 3, "delete"), names, policy))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> TopicManager.check(state("images.labelled.dlq", 1, 3, "delete"), names, policy))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesADeletingModelVersionsTopic() {
    assertThatThrownBy(
            () ->
                TopicManager.check(state("models.versions", 1, 3, "compact,delete"), names, policy))
        .hasMessageContaining("cleanup.policy=compact,delete")
        .hasMessageContaining("kafka-configs");
    assertThatThrownBy(
            () -> TopicManager.check(state("models.champions", 1, 3, "delete"), names, policy))
        .hasMessageContaining("champion would be forgotten");
  }

  @Test
  void refusesTooFewPartitionsOnInputTopicsAndTooFewReplicas() {
    assertThatThrownBy(
            () -> TopicManager.check(state("training.requests", 2, 3, "delete"), names, policy))
        .hasMessageContaining("2 partitions")
        .hasMessageContaining("topic.partitions=6");
    assertThatThrownBy(
            () -> TopicManager.check(state("images.labelled.dlq", 6, 1, "delete"), names, policy))
        .hasMessageContaining("1 replicas");
  }

  private static TopicState state(String name, int partitions, int replicas, String cleanup) {
    return new TopicState(name, partitions, replicas, Map.of("cleanup.policy", cleanup));
  }
}
