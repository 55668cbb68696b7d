package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.SecureKafka;
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
    assertThat(requests).containsEntry("group.id", config.groupId()).containsEntry("isolation.level",
        "read_committed").containsEntry("partition.assignment.strategy",
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    SecureKafka.assertSecured(StatusReporter.props(kafka));
  }
}
