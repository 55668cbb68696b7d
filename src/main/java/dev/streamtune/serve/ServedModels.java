package dev.streamtune.serve;

import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.ChampionDecisions;
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
 * model, the latest champion decision of each, the versions refused, and each model's champion
 * {@link Classifier} and, while one is on trial, its challenger's.
 *
 * <p>{@link #offer} and {@link #decide} mark a model served here ({@code serve.models}) for a new
 * look; {@link #loadPending} asks {@link Lineup} which champion and challenger each marked model
 * should have, and loads what is missing: it downloads the version, checks its sha256, opens it and
 * swaps it in. A challenger promoted moves to the champion's place without loading again; a
 * challenger no longer wanted is unloaded. A version that fails for a reason {@link Failures} does
 * not retry (a sha256 mismatch, a model that does not open) is refused for good; an outage leaves
 * the model marked, the other models are still loaded, and the first outage is then thrown for the
 * subscriber to retry. With no object store, nothing is loaded. The subscriber's thread writes; the
 * queries may come from any thread.
 */
final class ServedModels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSubscriber.class);
  private final ObjectStore store;
  private final ServeConfig config;
  private final ServeMetrics metrics;
  private final Map<String, Classifier> classifiers = new ConcurrentHashMap<>();
  private final Map<String, Classifier> challengers = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentSkipListMap<Integer, ModelVersion>> history =
      new ConcurrentHashMap<>();
  private final Map<String, ChampionDecision> decisions = new ConcurrentHashMap<>();
  private final Set<String> marked = new TreeSet<>();
  private final Map<String, Set<Integer>> refused = new HashMap<>();

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
    return loaded(classifiers.get(modelId));
  }

  /** The classifier of a model's challenger, while one is on trial and loaded. */
  Optional<Classifier> challenger(String modelId) {
    return loaded(challengers.get(modelId));
  }

  /** The champion decision in force for a model: those read, folded. */
  Optional<ChampionDecision> decision(String modelId) {
    return Optional.ofNullable(decisions.get(modelId));
  }

  /** The loaded classifiers by model. */
  Map<String, Classifier> classifiers() {
    Map<String, Classifier> out = new TreeMap<>();
    classifiers.forEach((m, c) -> c.served().ifPresent(v -> out.put(m, c)));
    return out;
  }

  /** The version of a model served, or 0 when none is. */
  int servedVersion(String modelId) {
    return version(classifier(modelId));
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

  /** Marks the model of a version read for a new look, if it is PUBLISHED and served here. */
  void offer(ModelVersion v) {
    if (v.getStatus() == VersionStatus.PUBLISHED) {
      mark(v.getModelId());
    }
  }

  /**
   * Folds a champion decision read into the model's decision in force ({@link
   * ChampionDecisions#fold}) and marks the model for a new look.
   */
  void decide(ChampionDecision d) {
    decisions.merge(d.getModelId(), d, ChampionDecisions::fold);
    mark(d.getModelId());
  }

  /**
   * Brings each marked model to its {@link Lineup}, refusing the versions that can never load.
   *
   * @throws RuntimeException an outage that {@link Failures} retries; that model stays marked
   */
  void loadPending() {
    RuntimeException outage = null;
    for (String m : List.copyOf(marked)) {
      try {
        lineUp(m);
        marked.remove(m);
      } catch (RuntimeException e) {
        outage = outage == null ? e : outage;
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
    challengers.values().forEach(Classifier::close);
  }

  private void mark(String modelId) {
    if (store != null && config.serves(modelId)) {
      marked.add(modelId);
    }
  }

  /** Loads what the model's lineup lacks; refusals are retried with the next lineup. */
  private void lineUp(String m) {
    for (; ; ) {
      Lineup want =
          Lineup.of(
              config.challenger().mode(),
              history(m),
              decisions.get(m),
              refused.getOrDefault(m, Set.of()));
      try {
        apply(m, want);
        return;
      } catch (RuntimeException e) {
        if (!(e instanceof Refusal r)) {
          throw e;
        }
        refused.computeIfAbsent(m, k -> new TreeSet<>()).add(r.version);
        LOG.error(
            "Refused {} version {}; still serving {}: {}",
            m,
            r.version,
            servedVersion(m) == 0 ? "nothing" : "version " + servedVersion(m),
            r.getMessage());
      }
    }
  }

  private void apply(String m, Lineup want) {
    Classifier champion = classifiers.computeIfAbsent(m, Classifier::new);
    Classifier challenger = challengers.computeIfAbsent(m, Classifier::new);
    if (want.champion() != 0 && want.champion() != version(loaded(champion))) {
      if (want.champion() == version(loaded(challenger))) {
        champion.swap(challenger.take());
        LOG.info("Serving {} version {}: the challenger is champion now", m, want.champion());
      } else {
        champion.swap(load(history.get(m).get(want.champion())));
        LOG.info("Serving {} version {}", m, want.champion());
      }
      metrics.served(m, want.champion());
    }
    if (want.challenger() == 0 && challenger.served().isPresent()) {
      LOG.info("{} version {} is no longer a challenger", m, version(loaded(challenger)));
      challenger.close();
    } else if (want.challenger() != 0 && want.challenger() != version(loaded(challenger))) {
      challenger.swap(load(history.get(m).get(want.challenger())));
      LOG.info(
          "{} version {} is the challenger ({} against champion {})",
          m,
          want.challenger(),
          config.challenger().mode().name().toLowerCase(java.util.Locale.ROOT),
          servedVersion(m));
    }
  }

  private Loaded load(ModelVersion v) {
    long t0 = System.nanoTime();
    Path dir =
        config.cacheDir().resolve(v.getModelId()).resolve(v.getVersion() + "-" + UUID.randomUUID());
    var artifact = v.getArtifacts().getSavedModel();
    try {
      ArtifactFiles.download(store, artifact.getUri(), artifact.getSha256(), dir);
      ExportedClassifier model = ExportedClassifier.open(dir, config.maxPixels());
      LOG.debug(
          "Loaded {} version {} in {} ms",
          v.getModelId(),
          v.getVersion(),
          (System.nanoTime() - t0) / 1_000_000);
      return new Loaded(model, v, dir);
    } catch (RuntimeException e) {
      new Loaded(null, v, dir).deleteFiles();
      if (Failures.classify(e) == Failures.Disposition.RETRY) {
        throw e;
      }
      throw new Refusal(v.getVersion(), e);
    }
  }

  private static Optional<Classifier> loaded(Classifier c) {
    return c == null || c.served().isEmpty() ? Optional.empty() : Optional.of(c);
  }

  private static int version(Optional<Classifier> c) {
    return c.flatMap(Classifier::served).map(ModelVersion::getVersion).orElse(0);
  }

  /** A version that can never load. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int version;

    Refusal(int version, RuntimeException cause) {
      super(cause.getMessage(), cause);
      this.version = version;
    }
  }
}
