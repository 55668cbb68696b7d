package dev.streamtune.train;

import dev.streamtune.events.TrainingMode;
import dev.streamtune.ml.Backbone;
import dev.streamtune.ml.ClassifierExporter;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Head;
import dev.streamtune.ml.HeadTrainer;
import dev.streamtune.ml.TfjsExporter;
import dev.streamtune.store.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code head} mode: gather the backbone's features (cache first), fix or pick the feature
 * layer, warm-start from the parent's head or start cold, and train the head.
 */
final class HeadRun {
  private static final Logger LOG = LoggerFactory.getLogger(HeadRun.class);
  private static final String PREFERRED_LAYER = "block_13_expand_relu";
  private final TrainConfig config;
  private final ObjectStore store;
  private final FeatureExtractor extractor;
  private final Path workDir;
  private final Clock clock;

  HeadRun(
      TrainConfig config,
      ObjectStore store,
      FeatureExtractor extractor,
      Path workDir,
      Clock clock) {
    this.config = config;
    this.store = store;
    this.extractor = extractor;
    this.workDir = workDir;
    this.clock = clock;
  }

  Candidate fit(
      Dataset listed, Parent parent, TrainingRun.Progress progress, Gather.Refusals refusals) {
    Backbone backbone = extractor.backbone();
    boolean warm =
        parent != null
            && parent.top() == null
            && backbone.featureLayers().contains(parent.head().featureLayer())
            && backbone.digest().equals(parent.version().getBaseModel().getDigest());
    List<Dataset.Example> drawn =
        warm
            ? Rehearsal.draw(
                listed.train(),
                config.head().maxSamplesPerEpoch(),
                config.head().seed() + listed.examples().size())
            : listed.train();
    Map<String, float[][]> values = new java.util.HashMap<>();
    Drawn features =
        Drawn.gather(
            Gather.features(store, extractor, clock, Gather.mirror(workDir), values),
            values,
            listed,
            drawn,
            config,
            Phase.FEATURES,
            progress,
            refusals);
    Dataset data = features.data();
    List<String> labels = new ArrayList<>(warm ? parent.head().labels() : List.of());
    data.labels().stream().filter(l -> !labels.contains(l)).forEach(labels::add);
    Split split =
        new Split(
            features.train(), data.validationExamples(), labels, values, backbone.featureLayers());
    progress.report(Phase.TRAINING, 0, config.head().maxEpochs(), Double.NaN, Double.NaN);
    HeadTrainer.EpochListener epochs =
        (e, max, tl, vl) -> progress.report(Phase.TRAINING, e, max, tl, vl);
    HeadTrainer.Fit fit;
    if (warm) {
      Head init = parent.head().withLabels(labels);
      fit =
          HeadTrainer.train(
              init,
              split.trainX(init.featureLayer()),
              split.trainY(),
              split.valX(init.featureLayer()),
              split.valY(),
              config.head(),
              epochs);
    } else {
      fit = coldStart(split, labels, epochs);
    }
    Head head = fit.head();
    float[][] probabilities = HeadTrainer.probabilities(head, split.valX(head.featureLayer()));
    Evaluation parentEval =
        parent == null || !backbone.featureLayers().contains(parent.head().featureLayer())
            ? null
            : Evaluation.of(
                labels,
                HeadTrainer.probabilities(parent.head(), split.valX(parent.head().featureLayer())),
                split.valY());
    return new Candidate(
        data,
        TrainingMode.HEAD,
        head,
        null,
        split,
        probabilities,
        parentEval,
        parent != null && !warm,
        features.hits(),
        features.misses(),
        probabilities,
        Map.of(),
        java.util.List.of(),
        new Candidate.Exporter() {
          @Override
          public void savedModel(String modelId, int version, Path dir) {
            ClassifierExporter.export(backbone, head, modelId, version, dir);
          }

          @Override
          public void tfjs(Path tfjsBaseModel, Path dir) {
            TfjsExporter.export(tfjsBaseModel, head, dir);
          }
        });
  }

  private HeadTrainer.Fit coldStart(
      Split split, List<String> labels, HeadTrainer.EpochListener epochs) {
    List<String> candidates =
        config.featureLayer().equals("auto") ? split.layers() : List.of(config.featureLayer());
    if (!split.layers().containsAll(candidates)) {
      throw new IllegalStateException(
          "The backbone has no feature layer "
              + config.featureLayer()
              + "; it has "
              + split.layers());
    }
    if (split.valY().length == 0 && candidates.size() > 1) {
      candidates =
          List.of(candidates.contains(PREFERRED_LAYER) ? PREFERRED_LAYER : candidates.get(0));
    }
    HeadTrainer.Fit best = null;
    double bestAccuracy = -1;
    for (String layer : candidates) {
      float[][] x = split.trainX(layer);
      Head init =
          Head.initial(labels, layer, Head.statistics(x), config.hidden(), config.head().seed());
      HeadTrainer.Fit fit =
          HeadTrainer.train(
              init, x, split.trainY(), split.valX(layer), split.valY(), config.head(), epochs);
      double accuracy =
          Evaluation.of(
                  labels, HeadTrainer.probabilities(fit.head(), split.valX(layer)), split.valY())
              .accuracy();
      LOG.info("Layer {}: validation accuracy {}, loss {}", layer, accuracy, fit.validationLoss());
      if (best == null
          || accuracy > bestAccuracy
          || (accuracy == bestAccuracy && fit.validationLoss() < best.validationLoss())) {
        best = fit;
        bestAccuracy = accuracy;
      }
    }
    return best;
  }
}
