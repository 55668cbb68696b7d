package dev.streamtune.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node scripts of {@code src/test/node} (the kafkajs client, the browser test) and reads
 * their JSON answer.
 */
public final class NodeScript {
  private static final Path DIR =
      Path.of(System.getProperty("streamtune.node.dir", "src/test/node"));

  private NodeScript() {}

  /**
   * Runs {@code node interop.mjs ARGS} and returns its last stdout line as JSON.
   *
   * @throws AssertionError with the output when it fails
   */
  public static JsonNode run(String... args) {
    return script("interop.mjs", 180, args);
  }

  /**
   * Runs {@code node SCRIPT ARGS} in {@code src/test/node} and returns its last stdout line as
   * JSON.
   *
   * @throws AssertionError with the output when it fails or runs over {@code timeoutSeconds}
   */
  public static JsonNode script(String script, int timeoutSeconds, String... args) {
    List<String> cmd = new ArrayList<>(List.of("node", script));
    cmd.addAll(List.of(args));
    try {
      Path err = Files.createTempFile("node-interop", ".err");
      try {
        Process p =
            new ProcessBuilder(cmd).directory(DIR.toFile()).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
          p.destroyForcibly();
        }
        if (!done || p.exitValue() != 0) {
          throw new AssertionError(
              "node "
                  + script
                  + " "
                  + String.join(" ", args)
                  + " failed:\n"
                  + out
                  + "\n"
                  + Files.readString(err));
        }
        return new ObjectMapper().readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run node", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The schema file upstream apps register. */
  public static String avsc() {
    return Path.of("schemas", "LabelledImage.avsc").toAbsolutePath().toString();
  }
}
