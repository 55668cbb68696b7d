package dev.streamtune.train;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import dev.streamtune.ml.HeadOptions;
import dev.streamtune.ml.TopOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of the trainer role.
 *
 * @param groupId consumer group of {@code training.requests}
 * @param transactionalPrefix prefix of each model's {@code transactional.id}: every trainer that
 *     may train the same models, and a {@link Rollback}, must share it, so that one fences the
 *     other
 * @param featureLayer the feature layer of a new lineage, or {@code auto} to pick it on version 1's
 *     validation split among the backbone's candidates
 * @param hidden hidden units of the head: 0 for softmax regression, else a one-layer MLP
 * @param head how heads are trained
 * @param validationPercent share of images, by sha256, in the validation split
 * @param minAccuracy the absolute accuracy a first version must reach
 * @param tolerance how far below its parent a version's accuracy may fall (0.005 = half a point)
 * @param maxRecallDrop how far any label's recall may fall below the parent's
 * @param checkImages validation images the exported SavedModel is queried with
 * @param extractBatch images downloaded and passed through the backbone per round
 * @param extractBytes image bytes the extraction rounds in memory may hold: the round being
 *     computed and the one downloading ahead each stop downloading at half of it, whatever {@code
 *     extractBatch} says ({@link Downloads})
 * @param extractDownloads GETs an extraction round has in flight at once
 * @param top when and how the top of the network is fine-tuned
 * @param sessionTimeout how long the group waits for a silent trainer before its requests move on
 * @param validationPerLabel the most validation images of one label (0: no cap); those over it
 *     train
 * @param indexRelist how old a trainer's example index may grow before a run lists the bucket again
 *     ({@link ExampleIndex}); zero lists on every run
 * @param prefetchInterval how often an idle trainer looks for examples that arrived since a model's
 *     last run and computes their features or activations ahead of its next run ({@link Prefetch});
 *     zero never does
 */
public record TrainConfig(
    String groupId,
    String transactionalPrefix,
    String featureLayer,
    int hidden,
    HeadOptions head,
    int validationPercent,
    double minAccuracy,
    double tolerance,
    double maxRecallDrop,
    int checkImages,
    int extractBatch,
    long extractBytes,
    int extractDownloads,
    Top top,
    Duration sessionTimeout,
    int validationPerLabel,
    Duration indexRelist,
    Duration prefetchInterval) {

  /** How a gathering goes through the images it must compute. */
  Gather.Rounds rounds() {
    return new Gather.Rounds(extractBatch, extractBytes, extractDownloads);
  }

  /** How the validation split is drawn. */
  public Dataset.Holdout holdout() {
    return new Dataset.Holdout(validationPercent, validationPerLabel);
  }

  /**
   * The {@code top} mode's settings.
   *
   * @param mode {@code head}, {@code top}, or {@code auto}: top once a model has {@code
   *     autoExamples} examples (and for good, once a version was fine-tuned)
   * @param cut the layer below which the network stays frozen
   * @param featureLayer the layer whose pooled output the head reads
   * @param options how a cold start trains
   * @param warmEpochs the epoch budget of a light warm start (a retrain of a fine-tuned parent)
   * @param warmSamples the examples one epoch of a light warm start draws
   * @param autoExamples the examples at which {@code auto} switches to {@code top}
   * @param refitGrowth a warm start runs the whole schedule (from the parent's weights) instead of
   *     a light epoch once the training examples have grown by this factor since the lineage's last
   *     full fit, while they are no more than {@link #refitDraws()}; 0 never refits
   * @param remedies whether a warm start that fails the guard-rails tries remedies before it is
   *     refused (part of the way back to the parent's weights, a tenth of the learning rates, then
   *     the parent's blocks with a retrained head)
   * @param refitEpochs the epoch budget of a refit (of the schedule's own epochs), so that a
   *     consolidation costs a bounded time at any dataset size
   * @param remedyShare the first remedy keeps this share of a refused warm start's change from its
   *     parent's weights (weight-space interpolation, no training); 0 skips that remedy
   * @param consolidatePasses how many passes over a fine-tuned lineage's training examples an idle
   *     trainer's background consolidation draws ({@link Consolidation}); 0 never consolidates
   * @param consolidateGrowth a consolidation starts once the training examples have grown by this
   *     factor since the lineage's last full fit (a cold start, refit or consolidation)
   */
  public record Top(
      Mode mode,
      String cut,
      String featureLayer,
      TopOptions options,
      int warmEpochs,
      int warmSamples,
      int autoExamples,
      double refitGrowth,
      boolean remedies,
      int refitEpochs,
      double remedyShare,
      double consolidatePasses,
      double consolidateGrowth) {
    /** The same settings in another mode. */
    public Top withMode(Mode newMode) {
      return new Top(
          newMode,
          cut,
          featureLayer,
          options,
          warmEpochs,
          warmSamples,
          autoExamples,
          refitGrowth,
          remedies,
          refitEpochs,
          remedyShare,
          consolidatePasses,
          consolidateGrowth);
    }

    /**
     * The examples a refit draws: {@code refitEpochs} epochs (no more than the schedule's) of the
     * schedule's samples per epoch.
     */
    public long refitDraws() {
      return (long) Math.min(refitEpochs, options.maxEpochs()) * options.samplesPerEpoch();
    }

    /**
     * Whether a warm start of a lineage with {@code trainExamples} training examples, whose last
     * full fit had {@code fullFit}, refits rather than runs a light epoch: the examples have grown
     * by {@code refitGrowth} since, and a refit can still visit each of them ({@code trainExamples
     * <= refitDraws()}). Beyond that a refit would be one more rehearsal at several times a light
     * epoch's cost, which is what light epochs already do, each drawing from all the examples; so
     * that no retrain new data asks for waits on one, a larger lineage consolidates by rehearsal.
     */
    public boolean refits(int trainExamples, int fullFit) {
      return refitGrowth > 0
          && trainExamples >= refitGrowth * fullFit
          && trainExamples <= refitDraws();
    }

    /** The same settings with another background consolidation (passes 0: none). */
    public Top withConsolidation(double passes, double growth) {
      return new Top(
          mode,
          cut,
          featureLayer,
          options,
          warmEpochs,
          warmSamples,
          autoExamples,
          refitGrowth,
          remedies,
          refitEpochs,
          remedyShare,
          passes,
          growth);
    }

    /** The same settings with other cold-start options. */
    public Top withOptions(TopOptions newOptions) {
      return new Top(
          mode,
          cut,
          featureLayer,
          newOptions,
          warmEpochs,
          warmSamples,
          autoExamples,
          refitGrowth,
          remedies,
          refitEpochs,
          remedyShare,
          consolidatePasses,
          consolidateGrowth);
    }
  }

  /** What a training run trains. */
  public enum Mode {
    /** A head on frozen features. */
    HEAD,
    /** The blocks above the cut and a head. */
    TOP,
    /** {@code TOP} once a model has enough examples, else {@code HEAD}. */
    AUTO
  }

  /** Training mode. */
  public static final Setting<Mode> MODE =
      Setting.oneOf(
          "train.mode",
          Mode.class,
          Mode.AUTO,
          "head trains a head on frozen features; top also fine-tunes the blocks above train.top.cut; auto picks top "
              + "from train.auto.top.examples examples on");

  /** Examples for auto to pick top. */
  public static final Setting<Integer> AUTO_TOP_EXAMPLES =
      Setting.integer(
          "train.auto.top.examples",
          2000,
          1,
          Integer.MAX_VALUE,
          "examples from which train.mode=auto fine-tunes the top (see BENCHMARKS.md)");

  /** Cut. */
  public static final Setting<String> TOP_CUT =
      Setting.string(
          "train.top.cut",
          "block_10_project_BN",
          "the layer below which the network stays frozen in top mode; its activations are cached per image");

  /** Top feature layer. */
  public static final Setting<String> TOP_FEATURE_LAYER =
      Setting.string(
          "train.top.feature.layer",
          "out_relu",
          "the layer whose pooled output the head reads in top mode");

  /** Blocks' learning rate. */
  public static final Setting<Double> TOP_LEARNING_RATE =
      Setting.decimal(
          "train.top.learning.rate", 3e-4, 1e-7, 1, "Adam learning rate of the fine-tuned blocks");

  /** Head's learning rate in top mode. */
  public static final Setting<Double> TOP_HEAD_LEARNING_RATE =
      Setting.decimal(
          "train.top.head.learning.rate",
          1e-3,
          1e-7,
          1,
          "Adam learning rate of the head in top mode");

  /** Weight decay. */
  public static final Setting<Double> TOP_WEIGHT_DECAY =
      Setting.decimal(
          "train.top.weight.decay", 4e-5, 0, 1, "weight decay of the fine-tuned kernels");

  /** Batch. */
  public static final Setting<Integer> TOP_BATCH =
      Setting.integer("train.top.batch.size", 32, 1, 1024, "examples per step in top mode");

  /** Cold epochs. */
  public static final Setting<Integer> TOP_EPOCHS =
      Setting.integer(
          "train.top.max.epochs",
          15,
          1,
          1000,
          "most epochs of a cold start in top mode (learning rates follow a cosine over them)");

  /** Warm epochs. */
  public static final Setting<Integer> TOP_WARM_EPOCHS =
      Setting.integer(
          "train.top.warm.epochs",
          1,
          1,
          1000,
          "most epochs of a warm start (a retrain of a fine-tuned parent)");

  /** Warm-up steps. */
  public static final Setting<Integer> TOP_WARMUP =
      Setting.integer(
          "train.top.warmup.steps",
          20,
          0,
          100_000,
          "steps over which top mode's learning rates rise linearly to their value (0: none), so "
              + "that a warm start's first steps on a converged model are gentle");

  /** Patience. */
  public static final Setting<Integer> TOP_PATIENCE =
      Setting.integer(
          "train.top.patience",
          15,
          1,
          1000,
          "epochs without a better validation loss before stopping, in top mode (the default, the"
              + " schedule's 15 epochs, runs the whole cosine and keeps the best epoch: the"
              + " validation loss is noisy until the learning rates fall)");

  /** Samples per epoch. */
  public static final Setting<Integer> TOP_SAMPLES =
      Setting.integer(
          "train.top.samples.per.epoch",
          3000,
          32,
          10_000_000,
          "class-balanced examples per epoch in top mode, drawn from the whole dataset (rehearsal)");

  /** Warm samples. */
  public static final Setting<Integer> TOP_WARM_SAMPLES =
      Setting.integer(
          "train.top.warm.samples",
          1500,
          32,
          10_000_000,
          "class-balanced examples per epoch of a light warm start (bounds a retrain's cost)");

  /** Refit growth. */
  public static final Setting<Double> TOP_REFIT_GROWTH =
      Setting.decimal(
              "train.top.refit.growth",
              2.0,
              0,
              1000,
              "a warm start refits (train.top.refit.epochs of the schedule) once the training examples have grown "
                  + "by this factor since the lineage's last full fit (0: never), while they are no more than a "
                  + "refit draws (train.top.refit.epochs x train.top.samples.per.epoch); otherwise one light epoch")
          .must(v -> v == 0 || v >= 1, "must be 0 (never) or at least 1");

  /** Remedies. */
  public static final Setting<Boolean> TOP_REMEDIES =
      Setting.bool(
          "train.top.remedies",
          true,
          "a warm start that fails the guard-rails tries remedies before it is refused: part of the way "
              + "back to the parent's weights (train.top.remedy.share), a tenth of the learning rates, then "
              + "the parent's blocks with a retrained head (top mode)");

  /** Interpolation remedy. */
  public static final Setting<Double> TOP_REMEDY_SHARE =
      Setting.decimal(
              "train.top.remedy.share",
              0.5,
              0,
              1,
              "the first remedy of a refused warm start keeps this share of its change from the parent's "
                  + "weights (weight-space interpolation: one validation pass, no training; 0 skips it), "
                  + "before the remedies that train again (top mode)")
          .must(v -> v < 1, "must be below 1 (1 is the refused candidate itself)");

  /** Refit budget. */
  public static final Setting<Integer> TOP_REFIT_EPOCHS =
      Setting.integer(
          "train.top.refit.epochs",
          4,
          1,
          1000,
          "most epochs of a refit (of train.top.samples.per.epoch examples each, from the parent's "
              + "weights): bounds a consolidation's cost at any dataset size");

  /** Consolidation passes. */
  public static final Setting<Double> CONSOLIDATE_PASSES =
      Setting.decimal(
          "train.consolidate.passes",
          2.5,
          0,
          100,
          "passes over a fine-tuned model's training examples that an idle trainer's background "
              + "consolidation draws, at a cold start's learning rates on a new cosine from the newest "
              + "version, in chunks of train.top.samples.per.epoch that a request preempts; the "
              + "trainer then asks itself for a retrain (reason CONSOLIDATION) that starts from it; "
              + "0 never consolidates");

  /** Consolidation growth. */
  public static final Setting<Double> CONSOLIDATE_GROWTH =
      Setting.decimal(
          "train.consolidate.growth",
          1.5,
          1,
          1000,
          "a background consolidation starts once a fine-tuned model's training examples have grown "
              + "by this factor since its last full fit (cold start, refit or consolidation)");

  /** Threads. */
  public static final Setting<Integer> TOP_THREADS =
      Setting.integer("train.top.threads", 2, 1, 64, "TensorFlow threads of top fine-tuning");

  /** Consumer group. */
  public static final Setting<String> GROUP_ID =
      Setting.string("train.group.id", "streamtune-trainer", "consumer group of the trainers");

  /** Transactional id prefix. */
  public static final Setting<String> TRANSACTIONAL_PREFIX =
      Setting.string(
          "train.transactional.id.prefix",
          "streamtune-trainer",
          "prefix of each model's transactional.id; trainers that share models, and "
              + "streamtune models rollback, must share it");

  /** Feature layer. */
  public static final Setting<String> FEATURE_LAYER =
      Setting.string(
          "train.feature.layer",
          "auto",
          "feature layer of a new model: auto picks it on version 1's validation split");

  /** Hidden units. */
  public static final Setting<Integer> HIDDEN =
      Setting.integer(
          "train.head.hidden",
          0,
          0,
          4096,
          "hidden units of the head: 0 is softmax regression, more is a one-layer MLP");

  /** Learning rate. */
  public static final Setting<Double> LEARNING_RATE =
      Setting.decimal("train.learning.rate", 1e-3, 1e-6, 1, "Adam learning rate of the head");

  /** L2. */
  public static final Setting<Double> L2 =
      Setting.decimal("train.l2", 1e-4, 0, 1, "L2 weight decay of the head");

  /** Batch size. */
  public static final Setting<Integer> BATCH =
      Setting.integer("train.batch.size", 64, 1, 4096, "examples per step");

  /** Epochs. */
  public static final Setting<Integer> EPOCHS =
      Setting.integer(
          "train.max.epochs",
          50,
          1,
          10_000,
          "most epochs per training; early stopping usually ends sooner");

  /** Patience. */
  public static final Setting<Integer> PATIENCE =
      Setting.integer(
          "train.patience", 5, 1, 1000, "epochs without a better validation loss before stopping");

  /** Rehearsal bound. */
  public static final Setting<Integer> MAX_SAMPLES =
      Setting.integer(
          "train.max.samples.per.epoch",
          20_000,
          100,
          10_000_000,
          "class-balanced examples per epoch, at most, and the most a warm head retrain draws from "
              + "the dataset (rehearsal): bounds a retrain's time and memory at any dataset size");

  /** Seed. */
  public static final Setting<Integer> SEED =
      Setting.integer(
          "train.seed", 42, 0, Integer.MAX_VALUE, "seed of initialization and sampling");

  /** Threads. */
  public static final Setting<Integer> THREADS =
      Setting.integer(
          "train.threads", 1, 1, 64, "TensorFlow threads of head training (1 is bit-reproducible)");

  /** Validation share. */
  public static final Setting<Integer> VALIDATION =
      Setting.integer(
          "train.validation.percent",
          10,
          1,
          50,
          "share of images, fixed by their sha256, in the validation split");

  /** Validation cap. */
  public static final Setting<Integer> VALIDATION_PER_LABEL =
      Setting.integer(
          "train.validation.max.per.label",
          200,
          0,
          1_000_000,
          "most validation images of one label (those with the smallest sha256); the images over "
              + "it train instead, so validation costs the same at any dataset size; 0 is no cap");

  /** Work directory. */
  public static final Setting<String> WORK_DIR =
      Setting.emptyByDefault(
          "train.work.dir",
          "the trainer's work directory: staged exports, example indexes and the local mirror of the "
              + "caches; give it a persistent volume to keep them across restarts (empty: a new "
              + "temporary folder per start)");

  /** Index age. */
  public static final Setting<Duration> INDEX_RELIST =
      Setting.duration(
          "train.index.relist",
          Duration.ofHours(24),
          "how old a trainer's example index (followed on examples.index) may grow before a run "
              + "lists the bucket again; 0s lists on every run");

  /** Idle-time prefetch. */
  public static final Setting<Duration> PREFETCH_INTERVAL =
      Setting.duration(
          "train.prefetch.interval",
          Duration.ofSeconds(1),
          "how often an idle trainer looks on examples.index for examples that arrived since a "
              + "model's last run and computes their features (head) or activations (top) "
              + "ahead of the next run, which then finds them cached; a request stops it within "
              + "one small batch; 0s turns it off");

  /** Accuracy floor. */
  public static final Setting<Double> MIN_ACCURACY =
      Setting.decimal(
          "train.min.accuracy", 0.5, 0, 1, "accuracy a first version must reach to be published");

  /** Tolerance. */
  public static final Setting<Double> TOLERANCE =
      Setting.decimal(
          "train.tolerance",
          0.005,
          0,
          1,
          "how far below the parent's accuracy a new version may be (0.005 = half a point)");

  /** Recall drop. */
  public static final Setting<Double> MAX_RECALL_DROP =
      Setting.decimal(
          "train.max.recall.drop",
          0.10,
          0,
          1,
          "how far any label's recall may fall below the parent's");

  /** Check images. */
  public static final Setting<Integer> CHECK_IMAGES =
      Setting.integer(
          "train.check.images",
          64,
          1,
          100_000,
          "validation images the exported SavedModel is checked on (each through the whole "
              + "network: one disagreement with the training graph refuses the version)");

  /** Extraction batch. */
  public static final Setting<Integer> EXTRACT_BATCH =
      Setting.integer(
          "train.extract.batch",
          256,
          1,
          100_000,
          "images downloaded and passed through the backbone per round");

  /** Extraction bytes. */
  public static final Setting<Integer> EXTRACT_MIB =
      Setting.integer(
          "train.extract.mib",
          0,
          0,
          1_000_000,
          "image bytes, in MiB, the extraction rounds in memory may hold (the round in the network "
              + "and the one downloading ahead each stop downloading at half of it, whatever "
              + "train.extract.batch says); 0 is an eighth of the maximum heap");

  /** Concurrent downloads. */
  public static final Setting<Integer> EXTRACT_DOWNLOADS =
      Setting.integer(
          "train.extract.downloads",
          8,
          1,
          64,
          "images an extraction round downloads at once from object storage (the next round "
              + "downloads while one passes through the network)");

  /** Session timeout. */
  public static final Setting<Duration> SESSION_TIMEOUT =
      Setting.duration(
              "train.session.timeout",
              Duration.ofSeconds(45),
              "how long the group waits for a crashed or cut-off trainer before its "
                  + "requests move to another (the broker allows 6s to 5m by default)")
          .must(d -> d.toMillis() >= 1000, "must be at least 1s");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          GROUP_ID,
          TRANSACTIONAL_PREFIX,
          FEATURE_LAYER,
          HIDDEN,
          LEARNING_RATE,
          L2,
          BATCH,
          EPOCHS,
          PATIENCE,
          MAX_SAMPLES,
          SEED,
          THREADS,
          VALIDATION,
          MIN_ACCURACY,
          TOLERANCE,
          MAX_RECALL_DROP,
          CHECK_IMAGES,
          EXTRACT_BATCH,
          EXTRACT_MIB,
          EXTRACT_DOWNLOADS,
          MODE,
          AUTO_TOP_EXAMPLES,
          TOP_CUT,
          TOP_FEATURE_LAYER,
          TOP_LEARNING_RATE,
          TOP_HEAD_LEARNING_RATE,
          TOP_WEIGHT_DECAY,
          TOP_BATCH,
          TOP_EPOCHS,
          TOP_WARM_EPOCHS,
          TOP_WARMUP,
          TOP_PATIENCE,
          TOP_SAMPLES,
          TOP_THREADS,
          TOP_WARM_SAMPLES,
          TOP_REFIT_GROWTH,
          TOP_REMEDIES,
          TOP_REMEDY_SHARE,
          TOP_REFIT_EPOCHS,
          CONSOLIDATE_PASSES,
          CONSOLIDATE_GROWTH,
          SESSION_TIMEOUT,
          VALIDATION_PER_LABEL,
          INDEX_RELIST,
          PREFETCH_INTERVAL,
          WORK_DIR);

  /** Reads the settings. */
  public static TrainConfig from(ConfigSource s) {
    HeadOptions head =
        new HeadOptions(
            s.get(LEARNING_RATE).floatValue(),
            s.get(L2).floatValue(),
            s.get(BATCH),
            s.get(EPOCHS),
            s.get(PATIENCE),
            s.get(MAX_SAMPLES),
            s.get(SEED),
            s.get(THREADS));
    return new TrainConfig(
        s.get(GROUP_ID),
        s.get(TRANSACTIONAL_PREFIX),
        s.get(FEATURE_LAYER),
        s.get(HIDDEN),
        head,
        s.get(VALIDATION),
        s.get(MIN_ACCURACY),
        s.get(TOLERANCE),
        s.get(MAX_RECALL_DROP),
        s.get(CHECK_IMAGES),
        s.get(EXTRACT_BATCH),
        s.get(EXTRACT_MIB) == 0
            ? Runtime.getRuntime().maxMemory() / 8
            : s.get(EXTRACT_MIB) * (1L << 20),
        s.get(EXTRACT_DOWNLOADS),
        new Top(
            s.get(MODE),
            s.get(TOP_CUT),
            s.get(TOP_FEATURE_LAYER),
            new TopOptions(
                s.get(TOP_LEARNING_RATE).floatValue(),
                s.get(TOP_HEAD_LEARNING_RATE).floatValue(),
                s.get(TOP_WEIGHT_DECAY).floatValue(),
                s.get(TOP_BATCH),
                s.get(TOP_EPOCHS),
                s.get(TOP_PATIENCE),
                s.get(TOP_SAMPLES),
                s.get(SEED),
                s.get(TOP_THREADS),
                s.get(TOP_WARMUP)),
            s.get(TOP_WARM_EPOCHS),
            s.get(TOP_WARM_SAMPLES),
            s.get(AUTO_TOP_EXAMPLES),
            s.get(TOP_REFIT_GROWTH),
            s.get(TOP_REMEDIES),
            s.get(TOP_REFIT_EPOCHS),
            s.get(TOP_REMEDY_SHARE),
            s.get(CONSOLIDATE_PASSES),
            s.get(CONSOLIDATE_GROWTH)),
        s.get(SESSION_TIMEOUT),
        s.get(VALIDATION_PER_LABEL),
        s.get(INDEX_RELIST),
        s.get(PREFETCH_INTERVAL));
  }

  /** The defaults. */
  public static TrainConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /** A copy with other guard-rail thresholds. */
  public TrainConfig withGuardRails(
      double newMinAccuracy, double newTolerance, double newMaxRecallDrop) {
    Draft d = new Draft(this);
    d.minAccuracy = newMinAccuracy;
    d.tolerance = newTolerance;
    d.maxRecallDrop = newMaxRecallDrop;
    return d.build();
  }

  /** A copy with other head options. */
  public TrainConfig withHead(HeadOptions newHead) {
    Draft d = new Draft(this);
    d.head = newHead;
    return d.build();
  }

  /** A copy with another transactional id prefix. */
  public TrainConfig withTransactionalPrefix(String prefix) {
    Draft d = new Draft(this);
    d.transactionalPrefix = prefix;
    return d.build();
  }

  /** A copy with other top-mode settings. */
  public TrainConfig withTop(Top newTop) {
    Draft d = new Draft(this);
    d.top = newTop;
    return d.build();
  }

  /** A copy that prefetches at another interval (zero: never). */
  public TrainConfig withPrefetch(Duration interval) {
    Draft d = new Draft(this);
    d.prefetchInterval = interval;
    return d.build();
  }

  /** A copy with another consumer group. */
  public TrainConfig withGroup(String id) {
    Draft d = new Draft(this);
    d.groupId = id;
    return d.build();
  }

  /** The components of a copy being changed; the one place that lists them all in order. */
  private static final class Draft {
    private String groupId;
    private String transactionalPrefix;
    private String featureLayer;
    private int hidden;
    private HeadOptions head;
    private int validationPercent;
    private double minAccuracy;
    private double tolerance;
    private double maxRecallDrop;
    private int checkImages;
    private int extractBatch;
    private long extractBytes;
    private int extractDownloads;
    private Top top;
    private Duration sessionTimeout;
    private int validationPerLabel;
    private Duration indexRelist;
    private Duration prefetchInterval;

    Draft(TrainConfig from) {
      groupId = from.groupId;
      transactionalPrefix = from.transactionalPrefix;
      featureLayer = from.featureLayer;
      hidden = from.hidden;
      head = from.head;
      validationPercent = from.validationPercent;
      minAccuracy = from.minAccuracy;
      tolerance = from.tolerance;
      maxRecallDrop = from.maxRecallDrop;
      checkImages = from.checkImages;
      extractBatch = from.extractBatch;
      extractBytes = from.extractBytes;
      extractDownloads = from.extractDownloads;
      top = from.top;
      sessionTimeout = from.sessionTimeout;
      validationPerLabel = from.validationPerLabel;
      indexRelist = from.indexRelist;
      prefetchInterval = from.prefetchInterval;
    }

    TrainConfig build() {
      return new TrainConfig(
          groupId,
          transactionalPrefix,
          featureLayer,
          hidden,
          head,
          validationPercent,
          minAccuracy,
          tolerance,
          maxRecallDrop,
          checkImages,
          extractBatch,
          extractBytes,
          extractDownloads,
          top,
          sessionTimeout,
          validationPerLabel,
          indexRelist,
          prefetchInterval);
    }
  }
}
