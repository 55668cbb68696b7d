package dev.streamtune.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.cli.MainAccess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The properties the issue asks of the image, checked on the {@code Dockerfile} itself (Docker is
 * not needed): a Maven build stage and a slim JRE 17 runtime, base images pinned by version, the
 * base model baked in at build time, a non-root user, a {@code HEALTHCHECK} on {@code /readyz},
 * container-aware JVM memory flags, and only real settings in its environment. A linter runs over
 * it too, in {@code DeploymentLintIT}.
 */
class DockerfileTest {
  private final Dockerfile file = read();

  private static Dockerfile read() {
    try {
      return Dockerfile.read(Path.of("Dockerfile"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void buildsWithMavenThenRunsOnASlimJre17PinnedByVersion() {
    assertThat(file.all("FROM")).hasSize(2);
    assertThat(file.all("FROM").get(0).args())
        .matches("maven:3\\.\\d+\\.\\d+-eclipse-temurin-17 AS build");
    assertThat(file.all("FROM").get(1).args()).matches("eclipse-temurin:17\\.[0-9._]+-jre-\\w+");
    assertThat(file.all("RUN"))
        .anyMatch(r -> r.stage() == 0 && r.args().contains("mvn") && r.args().contains("package"));
    assertThat(file.last("COPY"))
        .allMatch(c -> c.args().startsWith("--from=build "))
        .anyMatch(c -> c.args().contains("streamtune.jar"));
  }

  @Test
  void bakesTheConvertedBaseModelInAtBuildTimeUnderTheRuntimeUsersHome() {
    assertThat(file.all("RUN"))
        .anyMatch(
            r ->
                r.stage() == 0
                    && r.args().contains("-Duser.home=/opt/streamtune/home")
                    && r.args().endsWith("base-model"));
    assertThat(file.last("COPY"))
        .anyMatch(
            c -> c.args().equals("--from=build /opt/streamtune/home " + "/opt/streamtune/home"));
    assertThat(file.last("RUN"))
        .anyMatch(r -> r.args().contains("--home-dir /opt/streamtune/home"));
  }

  @Test
  void runsAsANonRootUserWithAHealthCheckOnReadyz() {
    assertThat(file.last("USER"))
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.args()).matches("\\d+:\\d+");
              assertThat(u.args()).doesNotStartWith("0:");
            });
    assertThat(file.last("HEALTHCHECK"))
        .singleElement()
        .satisfies(
            h ->
                assertThat(h.args())
                    .contains("--start-period=")
                    .contains("CMD curl -fsS http://localhost:8081/readyz"));
    assertThat(file.last("EXPOSE"))
        .singleElement()
        .satisfies(e -> assertThat(e.args()).isEqualTo("8080 8081"));
    assertThat(file.last("ENTRYPOINT"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.args())
                    .startsWith("[\"java\",")
                    .contains("\"-jar\", \"/opt/streamtune/streamtune.jar\"]"));
  }

  @Test
  void capsTheHeapByContainerMemoryAndLeavesTheRestToTensorFlow() {
    assertThat(file.last("ENV"))
        .anyMatch(
            e ->
                e.args()
                    .matches(
                        "(?s).*JAVA_TOOL_OPTIONS=\"[^\"]*"
                            + "-XX:MaxRAMPercentage=\\d+[^\"]*\".*"));
    assertThat(file.last("ENV"))
        .anyMatch(
            e ->
                e.args().contains("DJL_OFFLINE=true")
                    && e.args().contains("TF_ENABLE_ONEDNN_OPTS=1"));
  }

  @Test
  void setsOnlyRealSettings() {
    assertThat(file.streamtuneEnv()).isNotEmpty().isSubsetOf(MainAccess.settingEnvVars());
  }
}
