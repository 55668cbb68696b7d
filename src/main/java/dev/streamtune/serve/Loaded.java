package dev.streamtune.serve;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.ml.ExportedClassifier;
import dev.streamtune.store.LocalFiles;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded version, reference-counted: the {@link Classifier} holds one reference while it is
 * current, each call in flight holds one, and the last release closes the model (its native memory)
 * and deletes its local copy.
 */
final class Loaded {
  private static final Logger LOG = LoggerFactory.getLogger(Loaded.class);
  private final ExportedClassifier model;
  private final ModelVersion version;
  private final Path dir;
  private final AtomicInteger refs = new AtomicInteger(1);

  Loaded(ExportedClassifier model, ModelVersion version, Path dir) {
    this.model = model;
    this.version = version;
    this.dir = dir;
  }

  ExportedClassifier model() {
    return model;
  }

  ModelVersion version() {
    return version;
  }

  /**
   * Takes a reference; false once the model is closed (the caller then reads the current one
   * again).
   */
  boolean retain() {
    for (; ; ) {
      int n = refs.get();
      if (n == 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference; the last one closes the model and deletes its files. */
  void release() {
    if (refs.decrementAndGet() == 0) {
      model.close();
      deleteFiles();
      LOG.info("Closed {} version {}", version.getModelId(), version.getVersion());
    }
  }

  /** Deletes the version's local copy. */
  void deleteFiles() {
    if (dir == null) {
      return;
    }
    try {
      LocalFiles.deleteTree(dir);
    } catch (java.io.UncheckedIOException e) {
      LOG.warn("{}", e.getMessage());
    }
  }
}
