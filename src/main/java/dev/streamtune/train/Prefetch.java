package dev.streamtune.train;

import dev.streamtune.events.TrainingMode;
import dev.streamtune.ml.CutExtractor;
import dev.streamtune.ml.FeatureExtractor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle-time prefetch: while the trainer has no request, the values the next run of a model will
 * need are computed for the examples that arrived since its last run, so that the run finds them in
 * the cache. A retrain's backbone passes over its new images are most of its time in {@code head}
 * mode (about 8 ms an image on 2 cores), and they no longer wait for the request.
 *
 * <p>A model is prefetched once this trainer has run it ({@link #ran}): the run's listing is the
 * baseline, and the mode it trained in says what to compute (the backbone's features, or the frozen
 * bottom's activations at {@code train.top.cut}; {@code auto}'s switch to top is followed, and then
 * every example's activations are computed, as the switch's cold run draws from them all). The
 * examples come from the same {@link ExampleIndex} a run reads, looked at only when the model's
 * partition of {@code examples.index} has moved. Values go through {@link Gather} into the same
 * cache a run reads, in small batches, and {@link #run} stops between two batches when it is told
 * to (a request came), so a run waits for one batch at most. An image refused as bad data or gone
 * is left to the run, which quarantines or skips it as usual; any other failure (an outage) ends
 * the prefetch quietly, and the run computes what is missing.
 *
 * <p>Runs on the trainer's run thread, never beside a run. In {@code top} mode the frozen bottom
 * stays open from one prefetch to the next while the trainer idles (opening it reads the base
 * model), and is closed when a prefetch is told to stop and when a run starts ({@link #ran}), so it
 * is never open beside the run's own.
 */
final class Prefetch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Prefetch.class);
  static final int BATCH = 64;
  private final TrainConfig config;
  private final TrainerApp.Parts parts;
  private final ExampleIndex index;
  private final Clock clock;
  private final Map<String, Model> models = new ConcurrentHashMap<>();
  private final Map<TrainingMode, AtomicLong> computed = new ConcurrentHashMap<>();
  private final TrainMetrics metrics;
  private CutExtractor bottom;
  private long lookedAt;

  /**
   * What is known of a model: the mode of its last run, and its examples whose values for a run in
   * {@code seenMode} are cached (or left to the run), up to the index's {@code end}.
   */
  private static final class Model {
    private final TrainingMode mode;
    private TrainingMode seenMode;
    private Set<String> seen;
    private long end = -1;

    Model(TrainingMode mode, Set<String> seen) {
      this.mode = mode;
      this.seenMode = mode;
      this.seen = seen;
    }

    /** The examples seen for a run in {@code next}: none yet when the mode changes. */
    Set<String> seen(TrainingMode next) {
      if (next != seenMode) {
        seenMode = next;
        seen = new HashSet<>();
      }
      return seen;
    }
  }

  Prefetch(TrainConfig config, TrainerApp.Parts parts, ExampleIndex index, Clock clock) {
    this.config = config;
    this.parts = parts;
    this.index = index;
    this.clock = clock;
    this.metrics = new TrainMetrics(parts.meters());
  }

  /**
   * A run of {@code modelId} trains in {@code mode} on {@code listed}: the new baseline. Called by
   * the run before it opens its own bottom, so the one kept here is closed first.
   */
  void ran(String modelId, TrainingMode mode, Dataset listed) {
    close();
    Set<String> seen = new HashSet<>();
    listed.examples().forEach(e -> seen.add(e.sha256()));
    models.put(modelId, new Model(mode, seen));
  }

  /**
   * Images whose values for a run in {@code mode} (features for {@code head}, activations for
   * {@code top}) a prefetch computed, since the trainer started.
   */
  long computed(TrainingMode mode) {
    AtomicLong n = computed.get(mode);
    return n == null ? 0 : n.get();
  }

  /**
   * Computes what the next runs of the known models that are {@code owned} (whose requests this
   * trainer is assigned) need, until done or {@code stop} says so (checked between batches, as is
   * the thread's interrupt).
   */
  void run(BooleanSupplier stop, Predicate<String> owned) {
    BooleanSupplier stopped = () -> stop.getAsBoolean() || Thread.currentThread().isInterrupted();
    for (Map.Entry<String, Model> m : models.entrySet()) {
      if (stopped.getAsBoolean()) {
        return;
      }
      if (!owned.test(m.getKey())) {
        continue;
      }
      try {
        model(m.getKey(), m.getValue(), stopped);
      } catch (RuntimeException e) {
        LOG.info(
            "Prefetching the new examples of {} stopped; its next run computes them: {}",
            m.getKey(),
            e.toString());
        close();
        return;
      }
    }
    if (stopped.getAsBoolean()) {
      close();
    }
  }

  /**
   * Whether a known {@code owned} model's partition of {@code examples.index} moved since its last
   * prefetch, so that the prefetch has new examples to look at; looked at once a second at most
   * (false in between), and true when the index cannot be reached. Idle work that comes after the
   * prefetch ({@link Consolidation}) stops for it.
   */
  boolean behind(Predicate<String> owned) {
    long now = clock.millis();
    if (now - lookedAt < 1000) {
      return false;
    }
    lookedAt = now;
    try {
      for (Map.Entry<String, Model> m : models.entrySet()) {
        if (owned.test(m.getKey()) && index.end(m.getKey()) != m.getValue().end) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      return true;
    }
  }

  /**
   * Closes the frozen bottom kept open between prefetches while the trainer idles (a run opens its
   * own, so the bottom is closed as soon as a prefetch is told to stop).
   */
  @Override
  public void close() {
    if (bottom != null) {
      bottom.close();
      bottom = null;
    }
  }

  private void model(String modelId, Model m, BooleanSupplier stopped) {
    long end = index.end(modelId);
    if (end == m.end) {
      return;
    }
    Dataset d = index.dataset(modelId, config.holdout(), false, () -> {});
    TrainingMode mode =
        m.mode == TrainingMode.TOP
            ? TrainingMode.TOP
            : TrainingRun.mode(config.top(), d.examples().size(), null);
    Set<String> seen = m.seen(mode);
    List<Dataset.Example> fresh =
        d.examples().stream().filter(e -> !seen.contains(e.sha256())).toList();
    if (!fresh.isEmpty()) {
      if (mode == TrainingMode.TOP) {
        activations(modelId, fresh, seen, stopped);
      } else {
        features(modelId, fresh, seen, stopped);
      }
    }
    if (!stopped.getAsBoolean()) {
      m.end = end;
    }
  }

  private void features(
      String modelId, List<Dataset.Example> fresh, Set<String> seen, BooleanSupplier stopped) {
    Map<String, float[][]> values = new HashMap<>();
    FeatureExtractor extractor = parts.extractor();
    Gather<float[][]> gather =
        Gather.features(parts.store(), extractor, clock, Gather.mirror(parts.workDir()), values);
    batches(modelId, TrainingMode.HEAD, gather, values, fresh, seen, stopped);
  }

  private void activations(
      String modelId, List<Dataset.Example> fresh, Set<String> seen, BooleanSupplier stopped) {
    if (parts.tfjsBaseModel() == null) {
      return;
    }
    Map<String, short[]> values = new HashMap<>();
    batches(modelId, TrainingMode.TOP, activations(values), values, fresh, seen, stopped);
  }

  /**
   * Gathers activations at the configured cut into {@code values}, cache first, through the frozen
   * bottom kept open while the trainer idles; a {@link Consolidation} on the same thread uses it.
   */
  Gather<short[]> activations(Map<String, short[]> values) {
    return Gather.activations(
        parts.store(),
        bottom(),
        parts.extractor().backbone().digest(),
        config.top().cut(),
        clock,
        values,
        Gather.mirror(parts.workDir()));
  }

  /** The values in one row of activations at the configured cut. */
  int rowValues() {
    int[] shape = bottom().shape();
    return shape[0] * shape[1] * shape[2];
  }

  /** The frozen bottom kept open while the trainer idles, opened on first use. */
  private CutExtractor bottom() {
    if (bottom == null) {
      bottom =
          CutExtractor.open(
              parts.tfjsBaseModel(),
              parts.extractor().backbone(),
              config.top().cut(),
              parts.extractor().config());
    }
    return bottom;
  }

  private <V> void batches(
      String modelId,
      TrainingMode mode,
      Gather<V> gather,
      Map<String, V> values,
      List<Dataset.Example> fresh,
      Set<String> seen,
      BooleanSupplier stopped) {
    for (int i = 0; i < fresh.size() && !stopped.getAsBoolean(); i += BATCH) {
      List<Dataset.Example> batch =
          new ArrayList<>(fresh.subList(i, Math.min(fresh.size(), i + BATCH)));
      values.clear();
      Gather.Result<V> r =
          gather.gather(modelId, batch, config.rounds().ofAtMost(BATCH), n -> {}, (e, error) -> {});
      long n = r.misses() - r.skipped().size();
      computed.computeIfAbsent(mode, k -> new AtomicLong()).addAndGet(n);
      metrics.prefetched(modelId, mode, n);
      batch.forEach(e -> seen.add(e.sha256()));
    }
    values.clear();
    LOG.debug("Prefetched {} example(s) of {}", fresh.size(), modelId);
  }
}
