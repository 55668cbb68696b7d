package dev.streamtune.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployment files through real tools: {@code dockerfilelint} (npm, installed by {@code npm ci}
 * in {@code src/test/node}) over the {@code Dockerfile}, and Compose's own validation ({@code
 * docker-compose config}, Debian's {@code docker-compose} package) over {@code docker-compose.yml}.
 * Each proves first that it does refuse a broken file. A missing tool fails the test naming the
 * command that installs it ({@link Tools}; {@code bin/test} installs both).
 */
class DeploymentLintIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void dockerfilelintFindsNothingButItsOwnHealthcheckBug() throws Exception {
    Path lint =
        Path.of(
            System.getProperty("streamtune.node.dir", "src/test/node"),
            "node_modules",
            ".bin",
            "dockerfilelint");
    Tools.need("dockerfilelint", Optional.of(lint), "npm ci --prefix src/test/node");
    Path bad = Files.createTempFile(Path.of("target"), "Dockerfile", ".bad");
    Files.writeString(bad, "FROM ubuntu\nRUN apt-get install curl\nUSER root\n");
    assertThat(issues(lint, bad)).as("the linter works").isNotEmpty();

    List<String> found = issues(lint, Path.of("Dockerfile"));
    // dockerfilelint 1.8.0 matches HEALTHCHECK options with /--\w+/, so --start-period reads as an
    // unknown "--start"; that one finding is its bug, not the file's.
    assertThat(found)
        .allMatch(i -> i.startsWith("Invalid Argument Format: HEALTHCHECK --interval="));
    assertThat(found).hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void composeValidatesTheFileAndRefusesABrokenCopy() throws Exception {
    Path compose =
        Tools.need(
            "docker-compose",
            Tools.onPath("docker-compose"),
            "sudo apt-get install -y docker-compose");
    assertThat(run(compose.toString(), "-f", "docker-compose.yml", "config", "-q"))
        .isEqualTo("exit 0: ");

    Path broken = Files.createTempFile(Path.of("target"), "compose", ".yml");
    Files.writeString(
        broken,
        Files.readString(Path.of("docker-compose.yml"))
            .replace("  serve:\n", "  serve:\n    replicas_typo: 2\n"));
    assertThat(
            run(
                compose.toString(),
                "-f",
                broken.toString(),
                "--project-directory",
                ".",
                "config",
                "-q"))
        .startsWith("exit 1")
        .contains("replicas_typo");
  }

  private static List<String> issues(Path lint, Path file) throws Exception {
    String out = run(lint.toString(), "-o", "json", file.toString());
    JsonNode report = JSON.readTree(out.substring(out.indexOf('{')));
    List<String> found = new ArrayList<>();
    report
        .get("files")
        .forEach(
            f ->
                f.get("issues")
                    .forEach(
                        i ->
                            found.add(i.get("title").asText() + ": " + i.get("content").asText())));
    return found;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    return "exit " + p.exitValue() + ": " + out.strip();
  }
}
