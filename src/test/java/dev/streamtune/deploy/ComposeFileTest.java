package dev.streamtune.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.cli.MainAccess;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The top-level {@code docker-compose.yml}, parsed: the services of the issue, every image pinned
 * by a version tag, health checks and health conditions, volumes, the {@code producer} profile, and
 * no {@code STREAMTUNE_*} name the code does not read. Compose itself validates the file in {@code
 * DeploymentLintIT} where a {@code docker-compose} binary exists.
 */
class ComposeFileTest {
  private static final Set<String> ROLES = Set.of("ingest", "train", "serve", "feedback");
  private final JsonNode compose = read();
  private final JsonNode services = compose.get("services");

  /** Read with SnakeYAML, which applies YAML merge keys ({@code <<: *anchor}) as Compose does. */
  private static JsonNode read() {
    try (Reader in = Files.newBufferedReader(Path.of("docker-compose.yml"))) {
      return new ObjectMapper().valueToTree(new Yaml().load(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void holdsTheStackAndEachRoleAsItsOwnServiceFromTheOneImage() {
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrder(
            "kafka",
            "schema-registry",
            "minio",
            "minio-init",
            "ingest",
            "train",
            "serve",
            "feedback",
            "producer");
    assertThat(services.get("kafka").get("image").asText()).startsWith("apache/kafka:");
    assertThat(services.get("kafka").get("environment").get("KAFKA_PROCESS_ROLES").asText())
        .isEqualTo("broker,controller");
    assertThat(services.get("schema-registry").get("image").asText())
        .startsWith("confluentinc/cp-schema-registry:");
    assertThat(services.get("minio").get("image").asText()).startsWith("minio/minio:");
    assertThat(services.get("minio-init").get("command").toString())
        .contains("mc mb --ignore-existing");
    for (String role : ROLES) {
      JsonNode s = services.get(role);
      assertThat(s.get("image").asText()).as(role).isEqualTo("streamtune:0.1.0-SNAPSHOT");
      assertThat(s.get("build").asText()).as(role).isEqualTo(".");
      assertThat(s.get("command").toString())
          .as(role)
          .isEqualTo("[\"worker\",\"--roles\",\"" + role + "\"]");
      assertThat(s.get("volumes").get(0).asText()).as(role).endsWith(":/var/lib/streamtune");
    }
    assertThat(services.get("serve").get("ports").get(0).asText()).isEqualTo("8080:8080");
  }

  @Test
  void pinsEveryImageByAVersionTag() {
    services.forEach(
        s ->
            assertThat(s.get("image").asText())
                .matches("[a-z0-9./-]+:[A-Za-z0-9._-]*\\d[A-Za-z0-9._-]*")
                .doesNotEndWith(":latest"));
  }

  @Test
  void everyLongRunningServiceHasAHealthCheckAndStreamtuneWaitsForItsServers() {
    for (String name :
        List.of("kafka", "schema-registry", "minio", "ingest", "train", "serve", "feedback")) {
      JsonNode check = services.get(name).get("healthcheck");
      assertThat(check).as(name).isNotNull();
      assertThat(check.get("test").toString()).as(name).isNotBlank();
    }
    assertThat(services.get("serve").get("healthcheck").get("test").toString()).contains("/readyz");
    for (String role : ROLES) {
      JsonNode deps = services.get(role).get("depends_on");
      assertThat(deps.get("kafka").get("condition").asText()).isEqualTo("service_healthy");
      assertThat(deps.get("schema-registry").get("condition").asText())
          .isEqualTo("service_healthy");
      assertThat(deps.get("minio-init").get("condition").asText())
          .isEqualTo("service_completed_successfully");
    }
    assertThat(services.get("minio-init").get("depends_on").get("minio").get("condition").asText())
        .isEqualTo("service_healthy");
  }

  @Test
  void theProducerProfilePublishesASampleFolder() {
    JsonNode producer = services.get("producer");
    assertThat(producer.get("profiles").toString()).isEqualTo("[\"producer\"]");
    assertThat(producer.get("command").get(0).asText()).isEqualTo("produce");
    assertThat(producer.get("volumes").get(0).asText()).endsWith(":/samples:ro");
  }

  @Test
  void setsOnlyRealSettings() {
    Set<String> names = new TreeSet<>();
    services.forEach(
        s -> {
          JsonNode env = s.get("environment");
          if (env != null) {
            env.fieldNames()
                .forEachRemaining(
                    n -> {
                      if (n.startsWith("STREAMTUNE_")) {
                        names.add(n);
                      }
                    });
          }
        });
    assertThat(names)
        .contains(
            "STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS",
            "STREAMTUNE_SCHEMA_REGISTRY_URL",
            "STREAMTUNE_S3_ENDPOINT")
        .isSubsetOf(MainAccess.settingEnvVars());
  }
}
