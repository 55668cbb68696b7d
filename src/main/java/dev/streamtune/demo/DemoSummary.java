package dev.streamtune.demo;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.VersionStatus;
import java.time.Duration;
import java.util.List;

/**
 * What a demo run did.
 *
 * @param modelId the model it trained
 * @param versions the versions announced, in order
 * @param testAccuracy the served model's accuracy on the held-out images after each version
 * @param took the whole run
 * @param labelled labelling requests the demo answered in its labelling round (0 without one); the
 *     round's version is the last of {@code versions}
 */
public record DemoSummary(
    String modelId,
    List<ModelVersion> versions,
    List<Double> testAccuracy,
    Duration took,
    int labelled) {
  /** Copies the lists. */
  public DemoSummary {
    versions = List.copyOf(versions);
    testAccuracy = List.copyOf(testAccuracy);
  }

  /** How many versions were PUBLISHED. */
  public long published() {
    return versions.stream().filter(v -> v.getStatus() == VersionStatus.PUBLISHED).count();
  }

  /** The served model's first accuracy on the held-out images (NaN until a version is served). */
  public double firstAccuracy() {
    return testAccuracy.stream().filter(a -> !a.isNaN()).findFirst().orElse(Double.NaN);
  }

  /** The served model's accuracy on the held-out images at the end. */
  public double lastAccuracy() {
    return testAccuracy.isEmpty() ? Double.NaN : testAccuracy.get(testAccuracy.size() - 1);
  }

  /** Whether the served model ended more accurate on the held-out images than when first served. */
  public boolean improved() {
    return lastAccuracy() > firstAccuracy();
  }
}
