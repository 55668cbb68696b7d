package dev.streamtune.train;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TrainingMode;
import dev.streamtune.ml.ActivationRows;
import dev.streamtune.ml.TopOptions;
import dev.streamtune.ml.TopTrainer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background consolidation: what an idle trainer does for a fine-tuned ({@code top}) model once its
 * prefetch is done. A retrain for new data is a light epoch at a tenth of a cold start's learning
 * rates, so that it stays fast; over tens of thousands of examples those epochs never give the
 * model the passes at full rates that a one-shot training gets. A consolidation cycle does, in idle
 * time only: from the newest version this trainer published (its weights and Adam's state), a new
 * cosine at a cold start's rates over {@code train.consolidate.passes} passes of class-balanced
 * draws from all the training examples (a warm restart), once the examples have grown by {@code
 * train.consolidate.growth} since the lineage's last full fit. Each chunk draws from the examples
 * as they are then, and the cycle grows with them (more chunks, a longer cosine) so that it still
 * passes over the new ones; one the data outgrows by the growth factor again before it ends is
 * replaced by one from the newest version.
 *
 * <p>The cycle is trained one chunk ({@code train.top.samples.per.epoch} draws) per idle turn, and
 * a chunk stops between two steps when a request comes: a retrain waits for one step at most, and
 * the chunk's work is dropped. Its graph is closed on return, so it is never open beside a run.
 * After each whole chunk, the weights and Adam's state are written to {@code train.work.dir}
 * ({@link ConsolidationCheckpoint}), so a cycle resumes after a preemption or a restart exactly
 * where it was (each chunk's draw is fixed by the seed). When the last chunk is done, the trainer
 * asks itself for a retrain ({@code TrainingRequest} with reason {@code CONSOLIDATION}); that run
 * ({@link TopRun}) starts from the consolidated weights, trains its light epoch on the newest
 * examples, and is compared with the serving version and published through the usual guard-rails.
 */
final class Consolidation {
  private static final Logger LOG = LoggerFactory.getLogger(Consolidation.class);
  private final TrainConfig config;
  private final TrainerApp.Parts parts;
  private final ExampleIndex index;
  private final Prefetch prefetch;
  private final Consumer<String> ask;
  private final Map<String, ModelVersion> newest = new ConcurrentHashMap<>();
  private final Map<String, Integer> notDue = new ConcurrentHashMap<>();
  private final Map<String, ConsolidationCheckpoint> cycles = new ConcurrentHashMap<>();
  private final AtomicLong chunks = new AtomicLong();

  /**
   * @param prefetch gathers activations (those it did not compute ahead through the bottom it keeps
   *     open)
   * @param ask sends the self-request for a model whose cycle is done
   */
  Consolidation(
      TrainConfig config,
      TrainerApp.Parts parts,
      ExampleIndex index,
      Prefetch prefetch,
      Consumer<String> ask) {
    this.config = config;
    this.parts = parts;
    this.index = index;
    this.prefetch = prefetch;
    this.ask = ask;
  }

  /**
   * This trainer published {@code v}: when PUBLISHED, the newest version a cycle of its model
   * starts from.
   */
  void published(ModelVersion v) {
    String modelId = v.getModelId().toString();
    if (v.getStatus() != dev.streamtune.events.VersionStatus.PUBLISHED) {
      return;
    }
    if (v.getTraining().getMode() == TrainingMode.TOP) {
      newest.put(modelId, v);
    } else {
      newest.remove(modelId);
    }
  }

  /** Chunks trained since the trainer started. */
  long chunks() {
    return chunks.get();
  }

  /**
   * Trains one chunk of the first {@code owned} model that has one to train, unless {@code stop}
   * says so first; a finished cycle is asked for here. Returns whether a chunk was trained. A
   * failure (an outage) ends the turn quietly; the cycle goes on at a later one.
   */
  boolean step(BooleanSupplier stop, Predicate<String> owned) {
    if (config.top().consolidatePasses() <= 0 || parts.tfjsBaseModel() == null) {
      return false;
    }
    for (Map.Entry<String, ModelVersion> m : newest.entrySet()) {
      if (stop.getAsBoolean()) {
        return false;
      }
      if (!owned.test(m.getKey())) {
        continue;
      }
      try {
        if (model(m.getKey(), m.getValue(), stop)) {
          return true;
        }
      } catch (RuntimeException e) {
        LOG.info("Consolidating {} paused: {}", m.getKey(), e.toString());
        return false;
      }
    }
    return false;
  }

  private boolean model(String modelId, ModelVersion v, BooleanSupplier stop) {
    ConsolidationCheckpoint c =
        ConsolidationCheckpoint.exists(parts.workDir(), modelId)
            ? cycles.computeIfAbsent(
                modelId, m -> ConsolidationCheckpoint.read(parts.workDir(), m).orElse(null))
            : unstarted(modelId, v);
    if (c != null
        && (stale(c, v) || !c.fits(config.top().cut(), parts.extractor().backbone().digest()))) {
      LOG.info(
          "The consolidation of {} from version {} ({} examples) is left for one from version {}"
              + " ({} examples)",
          modelId,
          c.fromVersion(),
          c.trainExamples(),
          v.getVersion(),
          v.getExamples().getTrain());
      ConsolidationCheckpoint.delete(parts.workDir(), modelId);
      cycles.remove(modelId);
      c = unstarted(modelId, v);
    }
    if (c == null) {
      cycles.remove(modelId);
      return false;
    }
    if (c.finished()) {
      if (!c.requested()) {
        ask.accept(modelId);
        ConsolidationCheckpoint asked = c.asked();
        asked.write(parts.workDir());
        cycles.put(modelId, asked);
        LOG.info("Consolidation of {} done; asked for the retrain that publishes it", modelId);
      }
      return false;
    }
    return chunk(c, stop);
  }

  /**
   * A cycle from {@code v} with no chunk done yet: the one kept from an earlier turn (its first
   * chunk preempted) when it starts from {@code v}, else a new one, so that the parent is loaded
   * once per version and not at every idle turn.
   */
  private ConsolidationCheckpoint unstarted(String modelId, ModelVersion v) {
    ConsolidationCheckpoint kept = cycles.get(modelId);
    if (kept != null && kept.done() == 0 && kept.fromVersion() == v.getVersion()) {
      return kept;
    }
    ConsolidationCheckpoint c = start(modelId, v);
    if (c != null) {
      cycles.put(modelId, c);
    }
    return c;
  }

  /**
   * Whether a cycle is left behind by its data: the newest version's training examples have grown
   * by {@code train.consolidate.growth} since it started, so that its plan no longer covers them; a
   * new cycle from the newest version replaces it.
   */
  private boolean stale(ConsolidationCheckpoint c, ModelVersion v) {
    return v.getVersion() > c.fromVersion()
        && ConsolidationPlan.due(
            (int) v.getExamples().getTrain(), c.trainExamples(), config.top().consolidateGrowth());
  }

  private ConsolidationCheckpoint start(String modelId, ModelVersion v) {
    Integer known = notDue.get(modelId);
    if (known != null && known == v.getVersion()) {
      return null;
    }
    TrainConfig.Top t = config.top();
    Parent p = Parent.load(parts.store(), v);
    int train = (int) v.getExamples().getTrain();
    String digest = parts.extractor().backbone().digest();
    if (p.top() == null
        || !p.top().cut().equals(t.cut())
        || !digest.equals(v.getBaseModel().getDigest().toString())
        || !ConsolidationPlan.due(train, p.fullFitExamples(), t.consolidateGrowth())) {
      notDue.put(modelId, v.getVersion());
      return null;
    }
    TopOptions o = t.options();
    ConsolidationPlan plan =
        ConsolidationPlan.of(
            train, t.consolidatePasses(), o.samplesPerEpoch(), o.batchSize(), o.warmupSteps());
    LOG.info(
        "Consolidating {} from version {} in the background: {} chunk(s) of {} over {} training "
            + "examples (last full fit {})",
        modelId,
        v.getVersion(),
        plan.chunks(),
        plan.chunkSamples(),
        train,
        p.fullFitExamples());
    return new ConsolidationCheckpoint(
        modelId, v.getVersion(), t.cut(), digest, train, plan, 0, 0, false, p.top(), p.optimizer());
  }

  private boolean chunk(ConsolidationCheckpoint c, BooleanSupplier stop) {
    TrainConfig.Top t = config.top();
    List<String> labels = c.top().head().labels();
    Dataset d = index.dataset(c.modelId(), config.holdout(), false, () -> {});
    List<Dataset.Example> train =
        d.train().stream().filter(e -> labels.contains(e.label())).toList();
    if (train.isEmpty()) {
      return false;
    }
    ConsolidationPlan plan =
        c.plan().grown(train.size(), t.consolidatePasses(), t.options().batchSize());
    List<Dataset.Example> drawn = plan.chunk(train, t.options().seed() + c.fromVersion(), c.done());
    try (SpilledActivations spilled =
        new SpilledActivations(parts.workDir(), prefetch.rowValues())) {
      Gather.Result<short[]> r =
          prefetch
              .activations(spilled)
              .gather(c.modelId(), drawn, config.rounds(), n -> {}, (e, error) -> {});
      Set<String> skipped = new HashSet<>(r.skipped());
      List<Dataset.Example> kept =
          drawn.stream().filter(e -> !skipped.contains(e.sha256())).toList();
      if (kept.isEmpty() || stop.getAsBoolean()) {
        return false;
      }
      ActivationRows rows = spilled.rows(kept.stream().map(Dataset.Example::sha256).toList());
      int[] y = kept.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
      TopTrainer.Segment s =
          TopTrainer.segment(
              parts.tfjsBaseModel(),
              c.top(),
              c.optimizer(),
              rows,
              y,
              t.options(),
              c.step(),
              plan.totalSteps(),
              plan.warmupSteps(),
              stop);
      if (s == null) {
        LOG.debug("A request preempted the consolidation of {}", c.modelId());
        return false;
      }
      int batch = t.options().batchSize();
      ConsolidationCheckpoint next =
          c.next(plan, (kept.size() + batch - 1) / batch, s.top(), s.optimizer());
      next.write(parts.workDir());
      cycles.put(c.modelId(), next);
      chunks.incrementAndGet();
      LOG.info("Consolidation of {}: chunk {} of {} done", c.modelId(), next.done(), plan.chunks());
      return true;
    }
  }
}
