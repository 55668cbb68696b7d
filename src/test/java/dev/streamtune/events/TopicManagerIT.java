package dev.streamtune.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

@WithStack
class TopicManagerIT {
  private static final TopicPolicy POLICY = new TopicPolicy(3, (short) -1, Duration.ofHours(1));

  private static TopicNames names(Stack stack) {
    return TopicNames.withPrefix(stack.unique("tm") + ".");
  }

  @Test
  void createsWhatIsMissingThenOnlyChecks(Stack stack) {
    TopicNames names = names(stack);
    try (var admin = stack.admin()) {
      var first = TopicManager.ensure(admin, names, POLICY);
      assertThat(first.created()).hasSize(9);
      var states =
          TopicManager.describe(
              admin,
              List.of(
                  names.modelVersions(),
                  names.trainingStatus(),
                  names.labelledImages(),
                  names.championDecisions()));
      assertThat(states.get(names.modelVersions()).configs())
          .containsEntry("cleanup.policy", "compact");
      assertThat(states.get(names.trainingStatus()).configs())
          .containsEntry("retention.ms", "3600000");
      assertThat(states.get(names.labelledImages()).partitions()).isEqualTo(3);
      assertThat(states.get(names.championDecisions()).partitions()).isEqualTo(1);
      assertThat(states.get(names.championDecisions()).configs())
          .containsEntry("cleanup.policy", "compact");
      var second = TopicManager.ensure(admin, names, POLICY);
      assertThat(second.created()).isEmpty();
      assertThat(second.checked()).hasSize(9);
    }
  }

  @Test
  void refusesAModelVersionsTopicThatDeletes(Stack stack) throws Exception {
    TopicNames names = names(stack);
    try (var admin = stack.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(names.modelVersions(), 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "delete"))))
          .all()
          .get();
      assertThatThrownBy(() -> TopicManager.ensure(admin, names, POLICY))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(names.modelVersions())
          .hasMessageContaining("cleanup.policy=delete")
          .hasMessageContaining("compact");
    }
  }

  @Test
  void refusesAnInputTopicWithTooFewPartitions(Stack stack) throws Exception {
    TopicNames names = names(stack);
    try (var admin = stack.admin()) {
      admin.createTopics(List.of(new NewTopic(names.labelledImages(), 1, (short) 1))).all().get();
      assertThatThrownBy(() -> TopicManager.ensure(admin, names, POLICY))
          .hasMessageContaining(names.labelledImages())
          .hasMessageContaining("1 partitions")
          .hasMessageContaining("topic.partitions=3");
    }
  }
}
