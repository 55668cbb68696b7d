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
import dev.streamtune.ml.ClassifierExporter;
import dev.streamtune.ml.ExportedClassifier;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Head;
import dev.streamtune.ml.HeadTrainer;
import dev.streamtune.ml.TfjsExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run of one model, up to (not including) publishing: list the examples, gather
 * features, fix or pick the feature layer, warm-start and train the head, evaluate it and the
 * parent on the same validation split, export and check the SavedModel, apply the guard-rails and
 * upload the artifacts under the run-unique prefix. Returns the {@link ModelVersion} to publish.
 */
final class TrainingRun {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
  private static final String PREFERRED_LAYER = "block_13_expand_relu";
  private static final int MISSES_SHOWN = 8;
  private final TrainConfig config;
  private final dev.streamtune.store.ObjectStore store;
  private final FeatureExtractor extractor;
  private final Clock clock;
  private final Path workDir;
  private final Path tfjsBaseModel;

  /** Live progress: the phase, and for training the epoch and losses. */
  interface Progress {
    void report(String phase, int epoch, int maxEpochs, double trainLoss, double validationLoss);
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
   */
  record Input(String modelId, int version, String runId, String requestId, Instant requestedAt, ModelVersion parent) {}

  TrainingRun(TrainConfig config, TrainerApp.Parts parts, Clock clock) {
    this.config = config;
    this.store = parts.store();
    this.extractor = parts.extractor();
    this.clock = clock;
    this.workDir = parts.workDir();
    this.tfjsBaseModel = parts.tfjsBaseModel();
  }

  /** Runs it; null when there is nothing to train (fewer than two labels). */
  ModelVersion run(Input in, Progress progress) {
    long t0 = clock.millis();
    progress.report("listing", 0, 0, Double.NaN, Double.NaN);
    Dataset data = Dataset.list(store, in.modelId(), config.validationPercent());
    if (data.labels().size() < 2) {
      LOG.info("Model {} has {} label(s); a classifier needs two, so nothing is trained", in.modelId(),
          data.labels().size());
      return null;
    }
    progress.report("features", 0, data.examples().size(), Double.NaN, Double.NaN);
    FeatureGather.Result features = new FeatureGather(store, extractor, clock).gather(data, config.extractBatch(),
        n -> progress.report("features", n, data.examples().size(), Double.NaN, Double.NaN));
    Backbone backbone = extractor.backbone();
    Parent parent = in.parent() == null ? null : Parent.load(store, in.parent());
    boolean warm = parent != null && backbone.featureLayers().contains(parent.head().featureLayer())
        && backbone.digest().equals(in.parent().getBaseModel().getDigest());
    List<String> labels = new ArrayList<>(warm ? parent.head().labels() : List.of());
    data.labels().stream().filter(l -> !labels.contains(l)).forEach(labels::add);
    Split split = new Split(data, labels, features.vectors(), backbone.featureLayers());

    progress.report("training", 0, config.head().maxEpochs(), Double.NaN, Double.NaN);
    HeadTrainer.EpochListener epochs = (e, max, tl, vl) -> progress.report("training", e, max, tl, vl);
    HeadTrainer.Fit fit;
    if (warm) {
      Head init = parent.head().withLabels(labels);
      fit = HeadTrainer.train(init, split.trainX(init.featureLayer()), split.trainY(), split.valX(init.featureLayer()),
          split.valY(), config.head(), epochs);
    } else {
      fit = coldStart(split, labels, epochs);
    }
    Head head = fit.head();
    float[][] valX = split.valX(head.featureLayer());
    float[][] valProbabilities = HeadTrainer.probabilities(head, valX);
    Evaluation eval = Evaluation.of(labels, valProbabilities, split.valY());
    Evaluation parentEval = parent == null || !backbone.featureLayers().contains(parent.head().featureLayer()) ? null
        : Evaluation.of(labels, HeadTrainer.probabilities(parent.head(), split.valX(parent.head().featureLayer())),
            split.valY());

    progress.report("export", 0, 0, Double.NaN, Double.NaN);
    Path dir = workDir.resolve(in.runId());
    try {
      Path savedModel = dir.resolve("saved_model");
      ClassifierExporter.export(backbone, head, in.modelId(), in.version(), savedModel);
      ExportCheck check = ExportCheck.run(store, savedModel, split, head, valProbabilities, eval,
          config.checkImages());
      GuardRails.Decision decision = GuardRails.decide(config, eval, parentEval, check.failure());
      progress.report("upload", 0, 0, Double.NaN, Double.NaN);
      ArtifactWriter w = new ArtifactWriter(store, in.modelId(), in.version(), in.runId());
      Map<String, byte[]> headFiles = new LinkedHashMap<>();
      headFiles.put("head.json", head.toJson());
      headFiles.put("dataset.tsv", Parent.manifest(data));
      byte[] png = Reports.confusionPng(eval);
      Artifact tfjs = null;
      if (tfjsBaseModel != null) {
        TfjsExporter.export(tfjsBaseModel, head, dir.resolve("tfjs"));
        tfjs = w.directory("tfjs", dir.resolve("tfjs"));
      }
      Artifacts artifacts = Artifacts.newBuilder().setSavedModel(w.directory("saved_model", savedModel))
          .setHead(w.directory("head", headFiles)).setTfjs(tfjs)
          .setConfusionMatrix(w.file("confusion-matrix.png", png, "image/png")).setModelCard(null).build();
      w.file("metrics.json", Reports.metricsJson(eval, parentEval), "application/json");
      long now = clock.millis();
      ModelVersion v = ModelVersion.newBuilder().setModelId(in.modelId()).setVersion(in.version())
          .setStatus(decision.publish() ? VersionStatus.PUBLISHED : VersionStatus.REJECTED)
          .setReason(decision.reason()).setCreatedAt(Instant.ofEpochMilli(now))
          .setParentVersion(in.parent() == null ? null : in.parent().getVersion())
          .setBaseModel(new BaseModel(backbone.name(), backbone.digest())).setLabels(labels)
          .setExamples(ExampleCounts.newBuilder().setTotal(data.examples().size())
              .setNewExamples(parent == null ? data.examples().size() : data.changedSince(parent.dataset()))
              .setPerLabel(data.perLabel()).setTrain(split.trainY().length).setValidation(split.valY().length).build())
          .setDatasetDigest(data.digest())
          .setMetrics(Metrics.newBuilder().setAccuracy(eval.accuracy()).setMacroF1(eval.macroF1())
              .setLoss(eval.loss()).setPerLabelRecall(eval.recall()).setPerLabelPrecision(eval.precision())
              .setParentAccuracy(parentEval == null ? null : parentEval.accuracy()).build())
          .setTraining(TrainingInfo.newBuilder().setMode(TrainingMode.HEAD).setFeatureLayer(head.featureLayer())
              .setNormalizationDigest(head.normalizationDigest()).setColdStart(parent != null && !warm)
              .setFeatureCacheHits(features.hits()).setFeatureCacheMisses(features.misses())
              .setRequestId(in.requestId()).setRunId(in.runId()).build())
          .setArtifacts(artifacts)
          .setTimings(new Timings(now - t0, now - in.requestedAt().toEpochMilli())).build();
      artifacts.setModelCard(w.file("model-card.html", Reports.modelCard(v, eval, png, check.misses()),
          "text/html"));
      LOG.info("Model {} version {} ({}): accuracy {} on {} validation examples; {}", in.modelId(), in.version(),
          v.getStatus(), eval.accuracy(), split.valY().length, decision.reason());
      return v;
    } finally {
      deleteTree(dir);
    }
  }

  private HeadTrainer.Fit coldStart(Split split, List<String> labels, HeadTrainer.EpochListener epochs) {
    List<String> candidates = config.featureLayer().equals("auto") ? split.layers() : List.of(config.featureLayer());
    if (!split.layers().containsAll(candidates)) {
      throw new IllegalStateException("The backbone has no feature layer " + config.featureLayer() + "; it has "
          + split.layers());
    }
    if (split.valY().length == 0 && candidates.size() > 1) {
      candidates = List.of(candidates.contains(PREFERRED_LAYER) ? PREFERRED_LAYER : candidates.get(0));
    }
    HeadTrainer.Fit best = null;
    double bestAccuracy = -1;
    for (String layer : candidates) {
      float[][] x = split.trainX(layer);
      Head init = Head.initial(labels, layer, Head.statistics(x), config.hidden(), config.head().seed());
      HeadTrainer.Fit fit = HeadTrainer.train(init, x, split.trainY(), split.valX(layer), split.valY(), config.head(),
          candidates.size() == 1 ? epochs : null);
      double accuracy = Evaluation.of(labels, HeadTrainer.probabilities(fit.head(), split.valX(layer)), split.valY())
          .accuracy();
      LOG.info("Layer {}: validation accuracy {}, loss {}", layer, accuracy, fit.validationLoss());
      if (best == null || accuracy > bestAccuracy
          || (accuracy == bestAccuracy && fit.validationLoss() < best.validationLoss())) {
        best = fit;
        bestAccuracy = accuracy;
      }
    }
    return best;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("Cannot delete {}: {}", dir, e.toString());
    }
  }

  /** The parent's head and the dataset it saw, from its {@code head/} artifact. */
  record Parent(Head head, Map<String, String> dataset) {
    static Parent load(dev.streamtune.store.ObjectStore store, ModelVersion v) {
      if (v.getArtifacts().getHead() == null) {
        throw new IllegalStateException("Version " + v.getVersion() + " of " + v.getModelId()
            + " has no head artifact");
      }
      String dir = ArtifactWriter.key(store, v.getArtifacts().getHead().getUri());
      Head head = Head.fromJson(store.get(dir + "head.json").orElseThrow(() -> new IllegalStateException(
          "The parent's head " + dir + "head.json is missing")));
      Map<String, String> dataset = new HashMap<>();
      String tsv = store.get(dir + "dataset.tsv").map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
      for (String line : tsv.split("\n")) {
        String[] f = line.split("\t");
        if (f.length == 2) {
          dataset.put(f[0], f[1]);
        }
      }
      return new Parent(head, dataset);
    }

    static byte[] manifest(Dataset data) {
      StringBuilder b = new StringBuilder();
      data.examples().forEach(e -> b.append(e.sha256()).append('\t').append(e.label()).append('\n'));
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

}
