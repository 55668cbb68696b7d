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
    var requests = TrainerApp.requestConsumerProps(kafka, config);
    SecureKafka.assertSecured(requests);
    assertThat(requests).containsEntry("group.id", config.groupId()).containsEntry("isolation.level",
        "read_committed");
    SecureKafka.assertSecured(StatusReporter.props(kafka));
  }
}
