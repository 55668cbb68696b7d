package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("streamtune").contains("schemas").contains("STREAMTUNE_");
  }

  @Test
  void versionComesFromTheBuild() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).containsPattern("streamtune \\d+\\.\\d+\\.\\d+");
  }

  @Test
  void registerHelpShowsGeneratedOptionsAndSecrets() {
    assertThat(run("schemas", "register", "--help")).isZero();
    assertThat(out.toString())
        .contains("--schema-registry-url")
        .contains("STREAMTUNE_SCHEMA_REGISTRY_URL")
        .contains("--topic-images")
        .contains("STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")
        .doesNotContain("--schema-registry-basic-auth-user-info");
  }

  @Test
  void aBadSettingStopsWithItsNameAndStatus2() {
    assertThat(run("schemas", "register", "--schema-registry-url", "not a url")).isEqualTo(2);
    assertThat(err.toString()).contains("schema.registry.url").contains("--schema-registry-url");
  }

  @Test
  void secretsAreNotAcceptedOnTheCommandLine() {
    assertThat(run("schemas", "register", "--schema-registry-basic-auth-user-info", "u:p"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option");
  }
}
