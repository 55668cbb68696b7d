package dev.streamtune.train;

import dev.streamtune.events.Artifact;
import dev.streamtune.events.Artifacts;
import dev.streamtune.events.BaseModel;
import dev.streamtune.events.ExampleCounts;
import dev.streamtune.events.Metrics;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.Timings;
import dev.streamtune.events.TrainingInfo;
import dev.streamtune.events.TrainingMode;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ml.Backbone;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Head;
import dev.streamtune.store.LocalFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run of one model, up to (not including) publishing: know the examples from the
 * trainer's {@link ExampleIndex} (without those quarantined by earlier runs, {@link Quarantines}),
 * pick the mode, train in it ({@link HeadRun} or {@link TopRun}: cached inputs, warm or cold
 * start), evaluate it and the parent on the same validation split, export and check the SavedModel,
 * apply the guard-rails and upload the artifacts under the run-unique prefix. Returns the {@link
 * ModelVersion} to publish. An example that fails its full decode while its features are computed
 * is quarantined and the run goes on without it; the version's {@code examples.quarantined} counts
 * the examples left out. The listing and the mode are handed to {@link Prefetch}, which computes
 * ahead what the next run will need.
 */
final class TrainingRun {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
  private final TrainMetrics metrics;
  private final TrainConfig config;
  private final dev.streamtune.store.ObjectStore store;
  private final FeatureExtractor extractor;
  private final Clock clock;
  private final Path workDir;
  private final Path tfjsBaseModel;
  private final TrainerApp.Parts parts;
  private final ExampleIndex index;
  private final Prefetch prefetch;

  /** Live progress: the phase, and for training the epoch and losses. */
  interface Progress {
    void report(Phase phase, int epoch, int maxEpochs, double trainLoss, double validationLoss);
  }

  /**
   * Live progress as the trainer reports it: {@link Progress} and the examples quarantined so far.
   */
  interface Reporter {
    void report(
        Phase phase,
        int epoch,
        int maxEpochs,
        double trainLoss,
        double validationLoss,
        long quarantined);
  }

  /**
   * What a run answers.
   *
   * @param modelId the model
   * @param version the version number it will publish
   * @param runId unique id of the run
   * @param requestId the request (or the last of the coalesced requests)
   * @param requestedAt when the earliest of them was made
   * @param parent the serving (highest PUBLISHED) version, or null
   * @param list whether to list the bucket rather than follow the example index (a person asked)
   * @param trigger what the requests said triggered them (a drift's statistics), or null
   */
  record Input(
      String modelId,
      int version,
      String runId,
      String requestId,
      Instant requestedAt,
      ModelVersion parent,
      boolean list,
      String trigger) {}

  TrainingRun(
      TrainConfig config,
      TrainerApp.Parts parts,
      ExampleIndex index,
      Prefetch prefetch,
      Clock clock) {
    this.index = index;
    this.prefetch = prefetch;
    this.config = config;
    this.store = parts.store();
    this.extractor = parts.extractor();
    this.clock = clock;
    this.workDir = parts.workDir();
    this.tfjsBaseModel = parts.tfjsBaseModel();
    this.parts = parts;
    this.metrics = new TrainMetrics(parts.meters());
  }

  /** Runs it; null when there is nothing to train (fewer than two labels). */
  ModelVersion run(Input in, Reporter reporter) {
    try (Quarantines quarantines =
        new Quarantines(
            store,
            parts.kafka(),
            parts.topics().deadLetters(),
            in.modelId(),
            in.runId(),
            clock,
            metrics)) {
      return run(in, reporter, quarantines);
    }
  }

  /**
   * The dataset without the examples quarantined while gathering.
   *
   * @throws IllegalStateException when fewer than two labels are left (the next run, which lists
   *     without them, then has nothing to train)
   */
  static Dataset usable(Dataset listed, java.util.Set<String> skipped) {
    Dataset kept = listed.without(skipped);
    if (kept.labels().size() < 2) {
      throw new IllegalStateException(
          "Model "
              + listed.modelId()
              + " has "
              + kept.labels().size()
              + " label(s) left without "
              + skipped.size()
              + " quarantined or vanished example(s); a classifier needs two");
    }
    return kept;
  }

  private ModelVersion run(Input in, Reporter reporter, Quarantines quarantines) {
    long t0 = clock.millis();
    Map<String, Long> phases = new LinkedHashMap<>();
    Progress progress =
        (phase, n, max, tl, vl) -> {
          phases.putIfAbsent(phase.wire(), clock.millis());
          reporter.report(phase, n, max, tl, vl, quarantines.count());
        };
    progress.report(Phase.LISTING, 0, 0, Double.NaN, Double.NaN);
    Dataset listed =
        index.dataset(
            in.modelId(), config.holdout(), in.list(), () -> metrics.labelConflict(in.modelId()));
    Dataset data = quarantines.without(listed);
    if (data.labels().size() < 2) {
      LOG.info(
          "Model {} has {} label(s); a classifier needs two, so nothing is trained",
          in.modelId(),
          data.labels().size());
      return null;
    }
    Parent parent = in.parent() == null ? null : Parent.load(store, in.parent());
    TrainingMode mode = mode(config.top(), data.examples().size(), parent);
    prefetch.ran(in.modelId(), mode, listed);
    Candidate c =
        mode == TrainingMode.TOP
            ? new TopRun(config, store, extractor, tfjsBaseModel, workDir, clock)
                .fit(data, parent, progress, quarantines)
            : new HeadRun(config, store, extractor, workDir, clock)
                .fit(data, parent, progress, quarantines);
    data = c.data();
    Head head = c.head();
    List<String> labels = head.labels();
    Split split = c.split();
    Backbone backbone = extractor.backbone();
    Evaluation eval = Evaluation.of(labels, c.validationProbabilities(), split.valY());
    Evaluation parentEval = c.parentEvaluation();

    progress.report(Phase.EXPORT, 0, 0, Double.NaN, Double.NaN);
    Path dir = workDir.resolve(in.runId());
    try {
      Path savedModel = dir.resolve("saved_model");
      c.exporter().savedModel(in.modelId(), in.version(), savedModel);
      progress.report(Phase.CHECK, 0, 0, Double.NaN, Double.NaN);
      ExportCheck check =
          ExportCheck.run(
              store, savedModel, split, head, c.exportReference(), eval, config.checkImages());
      GuardRails.Decision decision = GuardRails.decide(config, eval, parentEval, check.failure());
      progress.report(Phase.UPLOAD, 0, 0, Double.NaN, Double.NaN);
      ArtifactWriter w = new ArtifactWriter(store, in.modelId(), in.version(), in.runId());
      Map<String, byte[]> headFiles = new LinkedHashMap<>();
      headFiles.put("head.json", head.toJson());
      headFiles.put("dataset.tsv", Parent.manifest(data));
      headFiles.putAll(c.headFiles());
      byte[] png = Reports.confusionPng(eval);
      Artifact tfjs = null;
      if (tfjsBaseModel != null) {
        c.exporter().tfjs(tfjsBaseModel, dir.resolve("tfjs"));
        tfjs = w.directory("tfjs", dir.resolve("tfjs"));
      }
      Artifacts artifacts =
          Artifacts.newBuilder()
              .setSavedModel(w.directory("saved_model", savedModel))
              .setHead(w.directory("head", headFiles))
              .setTfjs(tfjs)
              .setConfusionMatrix(w.file("confusion-matrix.png", png, "image/png"))
              .setModelCard(null)
              .build();
      w.file("metrics.json", Reports.metricsJson(eval, parentEval), "application/json");
      long now = clock.millis();
      ModelVersion v =
          ModelVersion.newBuilder()
              .setModelId(in.modelId())
              .setVersion(in.version())
              .setStatus(decision.publish() ? VersionStatus.PUBLISHED : VersionStatus.REJECTED)
              .setReason(decision.reason() + Remedies.summary(c.attempts()))
              .setCreatedAt(Instant.ofEpochMilli(now))
              .setParentVersion(in.parent() == null ? null : in.parent().getVersion())
              .setBaseModel(new BaseModel(backbone.name(), backbone.digest()))
              .setLabels(labels)
              .setExamples(
                  ExampleCounts.newBuilder()
                      .setTotal(data.examples().size())
                      .setNewExamples(
                          parent == null
                              ? data.examples().size()
                              : data.changedSince(parent.dataset()))
                      .setPerLabel(data.perLabel())
                      .setTrain(data.train().size())
                      .setValidation(split.valY().length)
                      .setQuarantined(quarantines.count())
                      .build())
              .setDatasetDigest(data.digest())
              .setMetrics(
                  Metrics.newBuilder()
                      .setAccuracy(eval.accuracy())
                      .setMacroF1(eval.macroF1())
                      .setLoss(eval.loss())
                      .setPerLabelRecall(eval.recall())
                      .setPerLabelPrecision(eval.precision())
                      .setParentAccuracy(parentEval == null ? null : parentEval.accuracy())
                      .build())
              .setTraining(
                  TrainingInfo.newBuilder()
                      .setMode(mode)
                      .setFeatureLayer(head.featureLayer())
                      .setCut(c.cut())
                      .setNormalizationDigest(head.normalizationDigest())
                      .setColdStart(c.coldStart())
                      .setFeatureCacheHits(c.cacheHits())
                      .setFeatureCacheMisses(c.cacheMisses())
                      .setRequestId(in.requestId())
                      .setRunId(in.runId())
                      .build())
              .setArtifacts(artifacts)
              .setTimings(new Timings(now - t0, now - in.requestedAt().toEpochMilli()))
              .build();
      artifacts.setModelCard(
          w.file(
              "model-card.html",
              Reports.modelCard(v, eval, png, check.misses(), c.attempts(), in.trigger()),
              "text/html"));
      LOG.info(
          "Model {} version {} ({}, {}): accuracy {} on {} validation examples; {}; {}",
          in.modelId(),
          in.version(),
          mode,
          v.getStatus(),
          eval.accuracy(),
          split.valY().length,
          v.getReason(),
          durations(phases, now));
      return v;
    } finally {
      deleteTree(dir);
    }
  }

  /** How long each phase took, as {@code listing 0.2 s, features 12.0 s, …}. */
  static String durations(Map<String, Long> starts, long end) {
    StringBuilder b = new StringBuilder();
    List<Map.Entry<String, Long>> list = List.copyOf(starts.entrySet());
    for (int i = 0; i < list.size(); i++) {
      long until = i + 1 < list.size() ? list.get(i + 1).getValue() : end;
      b.append(i == 0 ? "" : ", ")
          .append(list.get(i).getKey())
          .append(' ')
          .append(
              String.format(
                  java.util.Locale.ROOT, "%.1f s", (until - list.get(i).getValue()) / 1000.0));
    }
    return b.toString();
  }

  /** The mode of a run: as configured, or for {@code AUTO} by the examples and the lineage. */
  static TrainingMode mode(TrainConfig.Top top, int examples, Parent parent) {
    return switch (top.mode()) {
      case HEAD -> TrainingMode.HEAD;
      case TOP -> TrainingMode.TOP;
      case AUTO ->
          (parent != null && parent.top() != null) || examples >= top.autoExamples()
              ? TrainingMode.TOP
              : TrainingMode.HEAD;
    };
  }

  private static void deleteTree(Path dir) {
    try {
      LocalFiles.deleteTree(dir);
    } catch (java.io.UncheckedIOException e) {
      LOG.warn("{}", e.getMessage());
    }
  }
}
