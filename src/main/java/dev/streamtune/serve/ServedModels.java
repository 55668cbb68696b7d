package dev.streamtune.serve;

import dev.streamtune.events.Failures;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ml.ExportedClassifier;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.ObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions a {@link ModelSubscriber} has read and the ones it serves: every version of every
 * model, the newest PUBLISHED version of each served model waiting to be loaded, the highest
 * version refused per model, and each model's {@link Classifier}.
 *
 * <p>{@link #offer} queues a PUBLISHED version of a model in {@code serve.models} when it is newer
 * than the one loaded and than the one queued; {@link #loadPending} downloads each queued version,
 * checks its sha256, opens it and swaps it in. A version that fails for a reason {@link Failures}
 * does not retry (a sha256 mismatch, a model that does not open) is refused for good, as is every
 * older one; an outage leaves it queued, the other models' versions are still loaded, and the first
 * outage is then thrown for the subscriber to retry. With no object store, nothing is queued. The
 * subscriber's thread writes; the queries may come from any thread.
 */
final class ServedModels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSubscriber.class);
  private final ObjectStore store;
  private final ServeConfig config;
  private final ServeMetrics metrics;
  private final Map<String, Classifier> classifiers = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentSkipListMap<Integer, ModelVersion>> history =
      new ConcurrentHashMap<>();
  private final Map<String, ModelVersion> pending = new HashMap<>();
  private final Map<String, Integer> refused = new HashMap<>();

  /**
   * Holds no version yet.
   *
   * @param store the bucket the artifacts are in; null loads nothing
   */
  ServedModels(ObjectStore store, ServeConfig config, ServeMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.config = config;
  }

  /** The classifier of a model, once a version of it has been loaded. */
  Optional<Classifier> classifier(String modelId) {
    Classifier c = classifiers.get(modelId);
    return c == null || c.served().isEmpty() ? Optional.empty() : Optional.of(c);
  }

  /** The loaded classifiers by model. */
  Map<String, Classifier> classifiers() {
    Map<String, Classifier> out = new TreeMap<>();
    classifiers.forEach((m, c) -> c.served().ifPresent(v -> out.put(m, c)));
    return out;
  }

  /** The version of a model served, or 0 when none is. */
  int servedVersion(String modelId) {
    return classifier(modelId).flatMap(Classifier::served).map(ModelVersion::getVersion).orElse(0);
  }

  /** Every version of a model read so far, oldest first. */
  List<ModelVersion> history(String modelId) {
    ConcurrentSkipListMap<Integer, ModelVersion> h = history.get(modelId);
    return h == null ? List.of() : new ArrayList<>(h.values());
  }

  /** Every model with versions read so far. */
  Set<String> models() {
    return new TreeSet<>(history.keySet());
  }

  /** Adds a version read to its model's history. */
  void remember(ModelVersion v) {
    history
        .computeIfAbsent(v.getModelId(), k -> new ConcurrentSkipListMap<>())
        .put(v.getVersion(), v);
  }

  /**
   * Queues a version to load, if it is PUBLISHED, of a model served here, and the newest so far.
   */
  void offer(ModelVersion v) {
    if (store == null
        || v.getStatus() != VersionStatus.PUBLISHED
        || !config.serves(v.getModelId())) {
      return;
    }
    ModelVersion queued = pending.get(v.getModelId());
    if (v.getVersion() > servedVersion(v.getModelId())
        && (queued == null || v.getVersion() >= queued.getVersion())) {
      pending.put(v.getModelId(), v);
    }
  }

  /**
   * Loads the queued versions, refusing those that can never load.
   *
   * @throws RuntimeException an outage that {@link Failures} retries; that version stays queued
   */
  void loadPending() {
    RuntimeException outage = null;
    for (ModelVersion v : List.copyOf(pending.values())) {
      pending.remove(v.getModelId());
      if (refused.getOrDefault(v.getModelId(), 0) >= v.getVersion()) {
        continue;
      }
      try {
        load(v);
      } catch (RuntimeException e) {
        if (Failures.classify(e) == Failures.Disposition.RETRY) {
          pending.putIfAbsent(v.getModelId(), v);
          outage = outage == null ? e : outage;
          continue;
        }
        refused.put(v.getModelId(), v.getVersion());
        LOG.error(
            "Refused {} version {}; still serving {}: {}",
            v.getModelId(),
            v.getVersion(),
            classifier(v.getModelId())
                .flatMap(Classifier::served)
                .map(x -> "version " + x.getVersion())
                .orElse("nothing"),
            e.getMessage());
      }
    }
    if (outage != null) {
      throw outage;
    }
  }

  /** Closes every classifier. */
  @Override
  public void close() {
    classifiers.values().forEach(Classifier::close);
  }

  private void load(ModelVersion v) {
    long t0 = System.nanoTime();
    Path dir =
        config.cacheDir().resolve(v.getModelId()).resolve(v.getVersion() + "-" + UUID.randomUUID());
    var artifact = v.getArtifacts().getSavedModel();
    ExportedClassifier model;
    try {
      ArtifactFiles.download(store, artifact.getUri(), artifact.getSha256(), dir);
      model = ExportedClassifier.open(dir, config.maxPixels());
    } catch (RuntimeException e) {
      new Loaded(null, v, dir).deleteFiles();
      throw e;
    }
    Classifier c = classifiers.computeIfAbsent(v.getModelId(), Classifier::new);
    c.swap(new Loaded(model, v, dir));
    metrics.served(v.getModelId(), v.getVersion());
    LOG.info(
        "Serving {} version {} (loaded in {} ms)",
        v.getModelId(),
        v.getVersion(),
        (System.nanoTime() - t0) / 1_000_000);
  }
}
