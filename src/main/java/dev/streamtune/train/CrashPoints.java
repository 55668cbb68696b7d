package dev.streamtune.train;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fault injection for the crash tests: when the system property {@code streamtune.test.crash} names
 * a point (comma-separated), the JVM halts there at once with status 137, as a SIGKILL would leave
 * it: no shutdown hooks, no transaction aborted, nothing flushed. Points, in the order a run
 * reaches them: {@code before-features} (examples listed, no backbone pass yet), {@code
 * mid-training} (the first epoch done, more to go), {@code after-artifacts} (every artifact
 * written, the event not yet sent), {@code after-publish} (the transaction committed, {@code
 * LATEST} not yet written) and {@code after-latest} (everything done). Unset in production, it
 * costs a property read per progress report.
 */
final class CrashPoints {
  static final String PROPERTY = "streamtune.test.crash";

  private CrashPoints() {}

  /** Maps a run's progress reports to the points inside a run. */
  static void progress(Phase phase, int step) {
    if (step == 0 && (phase == Phase.FEATURES || phase == Phase.ACTIVATIONS)) {
      reached("before-features");
    } else if (step == 1 && phase == Phase.TRAINING) {
      reached("mid-training");
    }
  }

  static void reached(String point) {
    Set<String> points =
        Arrays.stream(System.getProperty(PROPERTY, "").split(","))
            .map(String::trim)
            .collect(Collectors.toSet());
    if (points.contains(point)) {
      System.err.println("streamtune: crash point " + point + " reached; halting");
      Runtime.getRuntime().halt(137);
    }
  }
}
