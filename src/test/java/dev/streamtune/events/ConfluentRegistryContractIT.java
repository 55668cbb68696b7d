package dev.streamtune.events;

import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.ConfluentKafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The registry contract against Confluent Schema Registry itself, in containers. It needs a
 * Docker engine and is skipped without one; the embedded registry runs the same contract in
 * {@code EmbeddedRegistryContractIT}.
 */
@Testcontainers(disabledWithoutDocker = true)
class ConfluentRegistryContractIT extends RegistryContract {
  private static final Network NETWORK = Network.newNetwork();
  private static ConfluentKafkaContainer kafka;
  private static GenericContainer<?> registry;

  @BeforeAll
  static void start() {
    kafka = new ConfluentKafkaContainer(DockerImageName.parse("confluentinc/cp-kafka:7.9.0"))
        .withNetwork(NETWORK).withNetworkAliases("kafka");
    kafka.start();
    registry = new GenericContainer<>(DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0"))
        .withNetwork(NETWORK)
        .withExposedPorts(8081)
        .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
        .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
        .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:9093")
        .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
    registry.start();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.stop();
    }
    if (kafka != null) {
      kafka.stop();
    }
  }

  @Override
  protected URI registryUrl() {
    return URI.create("http://" + registry.getHost() + ":" + registry.getMappedPort(8081));
  }
}
