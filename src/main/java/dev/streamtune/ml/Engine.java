package dev.streamtune.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The one place that names the deep-learning engine, and small file helpers of this package. */
final class Engine {
  /** DJL's name of the engine every model here runs on. */
  static final String NAME = "TensorFlow";

  private Engine() {}

  /**
   * Loads the engine's natives through DJL (which unpacks them from the native jar on first use),
   * so that TensorFlow Java classes can be used directly afterwards.
   */
  static void load() {
    ai.djl.engine.Engine.getEngine(NAME);
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }
}
