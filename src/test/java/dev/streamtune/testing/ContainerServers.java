package dev.streamtune.testing;

import java.net.URI;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The production servers in containers: Apache Kafka, Confluent Schema Registry and MinIO. Used
 * automatically where a Docker engine is available.
 */
final class ContainerServers implements Servers {
  static final String ACCESS_KEY = "streamtune";
  static final String SECRET_KEY = "streamtune-dev-secret";
  private final Network network = Network.newNetwork();
  private final KafkaContainer kafka;
  private final GenericContainer<?> registry;
  private final MinIOContainer minio;

  @SuppressWarnings("resource")
  ContainerServers() {
    kafka =
        new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"))
            .withNetwork(network)
            .withNetworkAliases("kafka")
            .withListener("kafka:19092");
    minio =
        new MinIOContainer(DockerImageName.parse("minio/minio:RELEASE.2025-04-22T22-12-26Z"))
            .withUserName(ACCESS_KEY)
            .withPassword(SECRET_KEY);
    kafka.start();
    minio.start();
    registry =
        new GenericContainer<>(DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0"))
            .withNetwork(network)
            .withExposedPorts(8081)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
    registry.start();
  }

  @Override
  public String bootstrapServers() {
    return kafka.getBootstrapServers();
  }

  @Override
  public URI registryUrl() {
    return URI.create("http://" + registry.getHost() + ":" + registry.getMappedPort(8081));
  }

  @Override
  public URI s3Endpoint() {
    return URI.create(minio.getS3URL());
  }

  @Override
  public String accessKey() {
    return ACCESS_KEY;
  }

  @Override
  public String secretKey() {
    return SECRET_KEY;
  }

  @Override
  public String kind() {
    return "containers";
  }

  @Override
  public void close() {
    registry.stop();
    minio.stop();
    kafka.stop();
    network.close();
  }
}
