package dev.streamtune.train;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fault injection for the crash tests: when the system property {@code streamtune.test.crash}
 * names a point (comma-separated), the JVM halts there at once with status 137, as a SIGKILL
 * would leave it: no shutdown hooks, no transaction aborted, nothing flushed. Points:
 * {@code after-artifacts} (every artifact written, the event not yet sent) and
 * {@code after-publish} (the transaction committed, {@code LATEST} not yet written). Unset in
 * production, it costs one property read per run.
 */
final class CrashPoints {
  static final String PROPERTY = "streamtune.test.crash";

  private CrashPoints() {}

  static void reached(String point) {
    Set<String> points = Arrays.stream(System.getProperty(PROPERTY, "").split(",")).map(String::trim)
        .collect(Collectors.toSet());
    if (points.contains(point)) {
      System.err.println("streamtune: crash point " + point + " reached; halting");
      Runtime.getRuntime().halt(137);
    }
  }
}
