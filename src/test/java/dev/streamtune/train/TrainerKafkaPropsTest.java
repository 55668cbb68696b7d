package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.SecureKafka;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.junit.jupiter.api.Test;

class TrainerKafkaPropsTest {

  @Test
  void theTransactionalProducerTheRequestConsumerAndTheStatusProducerCarryTheClusterSecurity() {
    KafkaConfig kafka = SecureKafka.config();
    TrainConfig config = TrainConfig.defaults();
    var producer = Publishing.producerProps(kafka, config.transactionalPrefix(), "cats");
    SecureKafka.assertSecured(producer);
    assertThat(producer).containsEntry("transactional.id", config.transactionalPrefix() + "-cats");
    var requests = Intake.consumerProps(kafka, config);
    SecureKafka.assertSecured(requests);
    assertThat(requests)
        .containsEntry("group.id", config.groupId())
        .containsEntry("isolation.level", "read_committed")
        .containsEntry(
            "partition.assignment.strategy",
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    SecureKafka.assertSecured(StatusReporter.props(kafka));
  }

  /**
   * docs/deploy.md ("Upgrading") says one rolling restart moves the trainers onto the cooperative
   * assignor, because earlier trainers, which set no assignor, ran with the client's default and
   * that default already lists cooperative-sticky. This holds while the client's default does.
   */
  @Test
  void theClientsDefaultAssignorsTheEarlierTrainersRanWithIncludeCooperativeSticky() {
    List<String> defaults =
        ((List<?>)
                ConsumerConfig.configDef()
                    .defaultValues()
                    .get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG))
            .stream().map(e -> e instanceof Class<?> c ? c.getName() : e.toString()).toList();
    assertThat(defaults)
        .containsExactly(RangeAssignor.class.getName(), CooperativeStickyAssignor.class.getName());
    assertThat(
            Intake.consumerProps(SecureKafka.config(), TrainConfig.defaults())
                .get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG))
        .isIn(defaults);
  }
}
