package dev.streamtune.events.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.SecureKafka;
import org.junit.jupiter.api.Test;

class RegistryKafkaPropsTest {

  @Test
  void theSchemaLogsProducerAndConsumerCarryTheClusterSecurity() {
    EmbeddedRegistryConfig config = EmbeddedRegistryConfig.defaults(SecureKafka.config());
    SecureKafka.assertSecured(config.kafkaProps());
    SecureKafka.assertSecured(KafkaSchemaLog.producerProps(config.kafkaProps()));
    SecureKafka.assertSecured(KafkaSchemaLog.consumerProps(config.kafkaProps()));
    assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("s3cr");
  }
}
