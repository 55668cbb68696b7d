package dev.streamtune.deploy;

import static dev.streamtune.deploy.Manifests.ROLES;
import static dev.streamtune.deploy.Manifests.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import dev.streamtune.config.Setting;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart {@code helm/streamtune}, linted and rendered by native Helm in this JVM, its
 * manifests parsed and checked: each role's Deployment runs {@code worker --roles <role>}, is
 * hardened (non-root, read-only root filesystem, no privilege escalation, no capabilities), sized
 * (requests and limits, heap a share of the memory limit) and configured from the ConfigMap, with
 * secrets only as references to existing Secrets; every role is probed on {@code /healthz} and
 * {@code /readyz} of its health port, which the ServiceMonitor scrapes too; the optional objects
 * (KEDA, ServiceMonitor, Ingress) appear only when asked for; the values schema refuses bad values;
 * and every {@code STREAMTUNE_*} variable the chart sets is a setting the code declares.
 */
class HelmChartTest {
  private static Manifests defaults;
  private static Manifests production;

  @BeforeAll
  static void render() {
    defaults = Manifests.render(Map.of());
    production = Manifests.production();
  }

  static Stream<String> renders() {
    return Stream.of("defaults", "production");
  }

  private static Manifests of(String which) {
    return which.equals("defaults") ? defaults : production;
  }

  @Test
  void lintsCleanInStrictMode() {
    var result = new Helm(Manifests.CHART).lint().strict().call();
    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(m -> m.startsWith("[ERROR]") || m.startsWith("[WARNING]"));
  }

  @Test
  void theChartsAppVersionIsTheProjectsVersion() throws Exception {
    Matcher pom =
        Pattern.compile("<artifactId>streamtune</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(pom.find()).as("the project version in pom.xml").isTrue();
    JsonNode chart = new YAMLMapper().readTree(Manifests.CHART.resolve("Chart.yaml").toFile());
    assertThat(chart.path("apiVersion").asText()).isEqualTo("v2");
    assertThat(chart.path("appVersion").asText()).isEqualTo(pom.group(1));
    assertThat(defaults.container("serve").path("image").asText())
        .isEqualTo("streamtune:" + pom.group(1));
  }

  @ParameterizedTest
  @MethodSource("renders")
  void eachRoleRunsItsRoleHardenedAndSized(String which) {
    Manifests m = of(which);
    assertThat(m.ofKind("Deployment")).hasSize(4);
    for (String role : ROLES) {
      JsonNode pod = m.find("Deployment", role).at("/spec/template/spec");
      JsonNode c = m.container(role);
      assertThat(texts(c.path("args"))).as(role).containsExactly("worker", "--roles", role);
      assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(role).isTrue();
      assertThat(pod.at("/securityContext/runAsUser").asInt()).as(role).isEqualTo(10001);
      assertThat(pod.at("/securityContext/seccompProfile/type").asText())
          .as(role)
          .isEqualTo("RuntimeDefault");
      JsonNode sc = c.path("securityContext");
      assertThat(sc.path("runAsNonRoot").asBoolean()).as(role).isTrue();
      assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as(role).isTrue();
      assertThat(
              sc.has("allowPrivilegeEscalation")
                  && !sc.path("allowPrivilegeEscalation").asBoolean())
          .as(role)
          .isTrue();
      assertThat(texts(sc.at("/capabilities/drop"))).as(role).containsExactly("ALL");
      for (String kind : List.of("requests", "limits")) {
        assertThat(c.at("/resources/" + kind + "/cpu").asText()).as(role + " " + kind).isNotEmpty();
        assertThat(c.at("/resources/" + kind + "/memory").asText())
            .as(role + " " + kind)
            .isNotEmpty();
      }
      assertThat(m.env(role).get("JAVA_TOOL_OPTIONS").path("value").asText())
          .as(role)
          .matches("-XX:MaxRAMPercentage=\\d+(\\.\\d+)? .*");
      assertThat(c.at("/envFrom/0/configMapRef/name").asText())
          .as(role)
          .isEqualTo("st-streamtune-config");
      assertThat(m.ofKind("ConfigMap"))
          .extracting(o -> o.at("/metadata/name").asText())
          .contains("st-streamtune-config");
      assertThat(c.path("volumeMounts").findValuesAsText("mountPath"))
          .as(role + ": the writable paths on a read-only root")
          .contains("/tmp");
    }
    assertThat(m.env("ingest")).containsKey("STREAMTUNE_INGEST_STATE_DIR");
    assertThat(m.env("serve")).containsKey("STREAMTUNE_SERVE_CACHE_DIR");
    assertThat(m.env("feedback").get("STREAMTUNE_FEEDBACK_STATE_DIR").path("value").asText())
        .as("the feedback role's state under the writable /tmp")
        .startsWith("/tmp/");
    for (String role : ROLES) {
      assertThat(m.env(role).get("STREAMTUNE_HEALTH_PORT").path("value").asText())
          .as(role)
          .isEqualTo("8081");
      assertThat(m.env(role))
          .as(role + ": TensorFlow's natives and the base model come with the image")
          .doesNotContainKeys("ENGINE_CACHE_DIR", "DJL_CACHE_DIR", "STREAMTUNE_ML_CACHE_DIR");
    }
  }

  @ParameterizedTest
  @MethodSource("renders")
  void everyRoleIsProbedOnItsHealthPortAndServeAlsoServesHttp(String which) {
    Manifests m = of(which);
    for (String role : ROLES) {
      JsonNode c = m.container(role);
      assertThat(c.at("/livenessProbe/httpGet/path").asText()).as(role).isEqualTo("/healthz");
      assertThat(c.at("/readinessProbe/httpGet/path").asText()).as(role).isEqualTo("/readyz");
      assertThat(c.at("/startupProbe/httpGet/path").asText()).as(role).isEqualTo("/healthz");
      assertThat(c.findValues("port")).extracting(JsonNode::asText).as(role).containsOnly("health");
      assertThat(c.at("/ports/0/name").asText()).as(role).isEqualTo("health");
      assertThat(c.at("/ports/0/containerPort").asInt()).as(role).isEqualTo(8081);
    }
    assertThat(m.container("serve").at("/ports/1/name").asText()).isEqualTo("http");
    assertThat(m.container("ingest").at("/ports/1").isMissingNode())
        .as("only serve serves HTTP")
        .isTrue();
    JsonNode ingestProbe =
        Manifests.render(Map.of("ingest.livenessProbe.exec.command[0]", "true"))
            .container("ingest")
            .path("livenessProbe");
    assertThat(ingestProbe.at("/exec/command/0").asText())
        .as("a probe given for ingest")
        .isEqualTo("true");
  }

  @ParameterizedTest
  @MethodSource("renders")
  void secretsAreMountedFromExistingSecretsAndNeverInlined(String which) {
    Manifests m = of(which);
    for (String role : ROLES) {
      Map<String, JsonNode> env = m.env(role);
      assertThat(env)
          .as(role)
          .containsKeys("STREAMTUNE_S3_ACCESS_KEY_FILE", "STREAMTUNE_S3_SECRET_KEY_FILE");
      JsonNode volumes = m.find("Deployment", role).at("/spec/template/spec/volumes");
      assertThat(volumes.findValues("secret"))
          .as(role)
          .extracting(s -> s.path("name").asText())
          .contains("streamtune-s3");
      env.forEach(
          (name, e) -> {
            if (name.matches(".*(SECRET|PASSWORD|JAAS|TOKEN|ACCESS_KEY|USER_INFO).*")) {
              assertThat(name)
                  .as(role + ": a secret is given by file, never by value")
                  .endsWith("_FILE");
              assertThat(e.path("value").asText())
                  .as(role + " " + name)
                  .startsWith("/var/run/secrets/streamtune/");
            }
          });
    }
    m.ofKind("ConfigMap")
        .forEach(
            c ->
                assertThat(c.path("data").fieldNames())
                    .toIterable()
                    .noneMatch(
                        n -> n.matches(".*(SECRET|PASSWORD|JAAS|TOKEN|ACCESS_KEY|USER_INFO).*")));
    assertThat(m.ofKind("Secret")).as("the chart creates no Secret").isEmpty();
  }

  @Test
  void productionWiresSaslTlsRegistryAndServeTokenFromExistingSecrets() {
    assertThat(production.env("serve"))
        .containsKeys(
            "STREAMTUNE_KAFKA_SASL_JAAS_CONFIG_FILE",
            "STREAMTUNE_KAFKA_SSL_TRUSTSTORE_LOCATION",
            "STREAMTUNE_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE",
            "STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE",
            "STREAMTUNE_SERVE_AUTH_TOKEN_FILE");
    assertThat(production.env("ingest")).doesNotContainKey("STREAMTUNE_SERVE_AUTH_TOKEN_FILE");
    JsonNode data = production.ofKind("ConfigMap").get(0).path("data");
    assertThat(data.path("STREAMTUNE_KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SASL_SSL");
    assertThat(data.path("STREAMTUNE_KAFKA_SASL_MECHANISM").asText()).isEqualTo("SCRAM-SHA-512");
    assertThat(data.path("STREAMTUNE_TOPIC_PARTITIONS").asText()).isEqualTo("12");
    assertThat(
            production
                .find("Deployment", "ingest")
                .at("/spec/template/spec/volumes")
                .findValues("ephemeral"))
        .as("ingest state on a per-pod volume")
        .hasSize(1);
    assertThat(
            production
                .find("Deployment", "train")
                .at("/spec/template/spec/volumes")
                .findValues("ephemeral"))
        .as("the trainer's work directory (its cache mirror) on a per-pod volume")
        .hasSize(1);
    assertThat(production.env("train").get("STREAMTUNE_TRAIN_WORK_DIR").path("value").asText())
        .isEqualTo("/var/lib/streamtune/work");
    assertThat(defaults.find("Deployment", "train").toString())
        .contains("\"mountPath\":\"/var/lib/streamtune/work\"", "\"sizeLimit\":\"20Gi\"");
  }

  @Test
  void byDefaultIngestHasACpuHpaAndNoOptionalObjects() {
    JsonNode hpa = defaults.find("HorizontalPodAutoscaler", "ingest");
    assertThat(hpa).isNotNull();
    assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
    assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
    assertThat(defaults.find("Deployment", "ingest").at("/spec/replicas").isMissingNode())
        .as("the HPA owns ingest's replicas")
        .isTrue();
    assertThat(defaults.ofKind("ScaledObject")).isEmpty();
    assertThat(defaults.ofKind("ServiceMonitor")).isEmpty();
    assertThat(defaults.ofKind("Ingress")).isEmpty();
    assertThat(defaults.find("Service", "serve").at("/spec/ports/0/targetPort").asText())
        .isEqualTo("http");
    assertThat(defaults.ofKind("PodDisruptionBudget"))
        .extracting(p -> p.at("/metadata/name").asText())
        .containsExactlyInAnyOrder("st-streamtune-ingest", "st-streamtune-serve");
  }

  @Test
  void kedaScalesIngestOnLagInsteadOfTheHpa() {
    Manifests keda =
        Manifests.render(Map.of("ingest.keda.enabled", true, "topics.prefix", "prod."));
    assertThat(keda.ofKind("HorizontalPodAutoscaler")).isEmpty();
    JsonNode so = keda.find("ScaledObject", "ingest");
    assertThat(so).isNotNull();
    assertThat(so.at("/spec/scaleTargetRef/name").asText()).isEqualTo("st-streamtune-ingest");
    JsonNode trigger = so.at("/spec/triggers/0");
    assertThat(trigger.path("type").asText()).isEqualTo("kafka");
    assertThat(trigger.at("/metadata/consumerGroup").asText()).isEqualTo("streamtune-ingest");
    assertThat(trigger.at("/metadata/topic").asText()).isEqualTo("prod.images.labelled");
  }

  @Test
  void productionTurnsOnServiceMonitorIngressAndPdbs() {
    assertThat(production.ofKind("ServiceMonitor"))
        .singleElement()
        .satisfies(
            sm -> {
              assertThat(sm.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
              assertThat(sm.at("/spec/endpoints/0/port").asText()).isEqualTo("health");
              assertThat(sm.at("/spec/selector/matchLabels/app.kubernetes.io~1component").asText())
                  .isEqualTo("metrics");
            });
    JsonNode metrics = production.find("Service", "metrics");
    assertThat(metrics.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(metrics.at("/spec/selector").has("app.kubernetes.io/component"))
        .as("every role")
        .isFalse();
    assertThat(metrics.at("/spec/ports/0/targetPort").asText()).isEqualTo("health");
    assertThat(
            production
                .find("Ingress", "serve")
                .at("/spec/rules/0/http/paths/0/backend/service/name")
                .asText())
        .isEqualTo("st-streamtune-serve");
    assertThat(production.ofKind("PodDisruptionBudget")).hasSize(3);
    assertThat(production.find("HorizontalPodAutoscaler", "ingest").at("/spec/minReplicas").asInt())
        .isEqualTo(3);
  }

  @Test
  void theSchemaRefusesBadValues() {
    assertThatThrownBy(() -> Manifests.render(Map.of("ingest.replicas", -1)))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> Manifests.render(Map.of("ingets.replicas", 2)))
        .hasMessageContaining("ingets");
    assertThatThrownBy(() -> Manifests.render(Map.of("kafka.securityProtocol", "TLS")))
        .hasMessageContaining("securityProtocol");
    assertThatThrownBy(() -> Manifests.render(Map.of("s3.existingSecret", "")))
        .hasMessageContaining("existingSecret");
    assertThatThrownBy(() -> Manifests.render(Map.of("config.s3\\.secret\\.key", "x")))
        .as("a secret as a plain setting")
        .hasMessageContaining("s3.secret.key");
    assertThatThrownBy(() -> Manifests.render(Map.of("config.serve\\.port", "9090")))
        .as("a setting the chart sets itself")
        .hasMessageContaining("serve.port");
    assertThatThrownBy(() -> Manifests.render(Map.of("kafka.securityProtocol", "SASL_SSL")))
        .as("SASL without a mechanism")
        .hasMessageContaining("kafka.sasl.mechanism");
  }

  @Test
  void everyRenderedStreamtuneVariableIsASettingTheCodeDeclares() throws Exception {
    Set<String> declared = declaredEnvNames();
    Manifests withConfig =
        Manifests.render(
            Map.of("config.train\\.mode", "TOP", "serve.config.serve\\.models", "a,b"));
    assertThat(withConfig.ofKind("ConfigMap").get(0).at("/data/STREAMTUNE_TRAIN_MODE").asText())
        .isEqualTo("TOP");
    assertThat(withConfig.env("serve").get("STREAMTUNE_SERVE_MODELS").path("value").asText())
        .isEqualTo("a,b");
    for (Manifests m : List.of(defaults, production, withConfig)) {
      List<String> rendered =
          m.envNames().stream().filter(n -> n.startsWith("STREAMTUNE_")).toList();
      assertThat(rendered).isNotEmpty();
      assertThat(declared).containsAll(rendered);
    }
  }

  /**
   * Each declared setting's environment variable, and {@code _FILE} for secrets, from the groups
   * that the configuration reference in README.md is generated from ({@code Main.settingGroups()},
   * package-private in {@code cli}, so reached by reflection).
   */
  @SuppressWarnings("unchecked")
  private static Set<String> declaredEnvNames() throws Exception {
    Method groups = Class.forName("dev.streamtune.cli.Main").getDeclaredMethod("settingGroups");
    groups.setAccessible(true);
    Set<String> names = new HashSet<>();
    ((Map<String, List<Setting<?>>>) groups.invoke(null))
        .values()
        .forEach(
            list ->
                list.forEach(
                    s -> {
                      names.add(s.envVar());
                      if (s.secret()) {
                        names.add(s.envVar() + "_FILE");
                      }
                    }));
    assertThat(names)
        .contains("STREAMTUNE_S3_SECRET_KEY_FILE", "STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS");
    return names;
  }
}
