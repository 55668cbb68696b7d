package dev.streamtune.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Local file helpers shared by the packages that keep working copies on disk. */
public final class LocalFiles {
  private LocalFiles() {}

  /**
   * Deletes a file or a directory and everything in it; nothing happens when it does not exist.
   *
   * @throws UncheckedIOException naming the path when something cannot be deleted
   */
  public static void deleteTree(Path dir) {
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
