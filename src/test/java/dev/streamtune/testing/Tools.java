package dev.streamtune.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The programs outside the JVM that some tests drive (Chromium, docker-compose, the npm tools). A
 * missing one fails its test with one line naming the command that installs it, before anything is
 * started, rather than with the tool's own stack trace halfway through.
 */
public final class Tools {
  private Tools() {}

  /** The first executable {@code name} on the {@code PATH}. */
  public static Optional<Path> onPath(String name) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(d -> Path.of(d, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * The executable, or a failed test naming {@code install}.
   *
   * @param what the tool, as a person would name it
   * @param found where it is, if anywhere
   * @param install the one command that installs it
   */
  public static Path need(String what, Optional<Path> found, String install) {
    return found
        .filter(Files::isExecutable)
        .orElseGet(
            () ->
                fail(
                    what
                        + " is not installed; install it with: "
                        + install
                        + " (bin/test does it for you)"));
  }

  /** Chromium for the browser tests: {@code $CHROMIUM}, else {@code chromium} on the PATH. */
  public static Path chromium() {
    String set = System.getenv("CHROMIUM");
    return need(
        "Chromium",
        set != null ? Optional.of(Path.of(set)) : onPath("chromium"),
        "sudo apt-get install -y chromium");
  }
}
