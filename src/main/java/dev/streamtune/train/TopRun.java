package dev.streamtune.train;

import dev.streamtune.events.TrainingMode;
import dev.streamtune.ml.ActivationRows;
import dev.streamtune.ml.AdamState;
import dev.streamtune.ml.Backbone;
import dev.streamtune.ml.ClassifierExporter;
import dev.streamtune.ml.CutExtractor;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.HeadTrainer;
import dev.streamtune.ml.TfjsExporter;
import dev.streamtune.ml.TopModel;
import dev.streamtune.ml.TopOptions;
import dev.streamtune.ml.TopTrainer;
import dev.streamtune.store.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code top} mode: gather the frozen bottom's activations at the cut (cache first, binary16),
 * warm-start from a fine-tuned parent with the same cut (its weights and Adam's state) or start
 * from the base model, fine-tune the top and its head ({@link TopTrainer}), and score the parent on
 * the same validation split: a fine-tuned parent on the same activations, a {@code HEAD} parent on
 * its features.
 */
final class TopRun {
  private final TrainConfig config;
  private final ObjectStore store;
  private final FeatureExtractor extractor;
  private final Path baseModel;
  private final Path workDir;
  private final Clock clock;

  TopRun(
      TrainConfig config,
      ObjectStore store,
      FeatureExtractor extractor,
      Path baseModel,
      Path workDir,
      Clock clock) {
    if (baseModel == null) {
      throw new IllegalStateException(
          "Top mode fine-tunes a TF.js layers base model; this backbone was not "
              + "converted from one, so use train.mode=head");
    }
    this.config = config;
    this.store = store;
    this.extractor = extractor;
    this.baseModel = baseModel;
    this.workDir = workDir;
    this.clock = clock;
  }

  Candidate fit(
      Dataset listed, Parent parent, TrainingRun.Progress progress, Gather.Refusals refusals) {
    TrainConfig.Top t = config.top();
    Backbone backbone = extractor.backbone();
    boolean warm =
        parent != null
            && parent.top() != null
            && parent.top().cut().equals(t.cut())
            && parent.head().featureLayer().equals(t.featureLayer())
            && backbone.digest().equals(parent.version().getBaseModel().getDigest());
    Start start = warm ? start(listed.modelId(), parent, backbone.digest()) : null;
    boolean light = warm && !t.refits(listed.train().size(), start.fullFit());
    TopOptions schedule =
        light
            ? t.options().warm(t.warmEpochs(), t.warmSamples(), false)
            : warm
                ? t.options().withEpochs(Math.min(t.refitEpochs(), t.options().maxEpochs()))
                : t.options();
    List<Dataset.Example> drawn =
        Rehearsal.draw(
            listed.train(),
            (int)
                Math.min(
                    Integer.MAX_VALUE, (long) schedule.maxEpochs() * schedule.samplesPerEpoch()),
            t.options().seed() + listed.examples().size());
    try (CutExtractor bottom = CutExtractor.open(baseModel, backbone, t.cut(), extractor.config());
        SpilledActivations spilled =
            new SpilledActivations(
                workDir, bottom.shape()[0] * bottom.shape()[1] * bottom.shape()[2])) {
      Gather<short[]> gather =
          Gather.activations(
              store, bottom, backbone.digest(), t.cut(), clock, spilled, Gather.mirror(workDir));
      Drawn d =
          Drawn.gather(
              gather, spilled, listed, drawn, config, Phase.ACTIVATIONS, progress, refusals);
      Dataset data = d.data();
      List<Dataset.Example> trainOn = d.train();
      List<String> labels = new ArrayList<>(warm ? parent.head().labels() : List.of());
      data.labels().stream().filter(l -> !labels.contains(l)).forEach(labels::add);
      Split split = new Split(trainOn, data.validationExamples(), labels, Map.of(), List.of());
      ActivationRows train = spilled.rows(shas(trainOn));
      ActivationRows val = spilled.rows(shas(split.validationExamples()));
      TopModel init =
          warm
              ? start.top().withHead(start.top().head().withLabels(labels))
              : TopTrainer.initial(
                  baseModel, t.cut(), t.featureLayer(), labels, t.options().seed());
      boolean grown = warm && labels.size() > start.top().head().labels().size();
      TopOptions options =
          light && grown ? t.options().warm(t.warmEpochs(), t.warmSamples(), true) : schedule;
      int fullFit = light ? start.fullFit() : data.train().size();
      progress.report(Phase.TRAINING, 0, options.maxEpochs(), Double.NaN, Double.NaN);
      java.util.function.Function<TopOptions, TopTrainer.Fit> training =
          o ->
              TopTrainer.train(
                  baseModel,
                  init,
                  warm ? start.optimizer() : null,
                  train,
                  split.trainY(),
                  val,
                  split.valY(),
                  o,
                  (e, max, tl, vl) -> progress.report(Phase.TRAINING, e, max, tl, vl));
      TopTrainer.Fit first = training.apply(options);
      java.util.function.Supplier<TopTrainer.Fit> interpolated =
          () ->
              TopTrainer.toward(
                  baseModel,
                  init,
                  first,
                  t.remedyShare(),
                  val,
                  split.valY(),
                  t.options().threads());
      progress.report(Phase.SCORING, 0, 0, Double.NaN, Double.NaN);
      Evaluation parentEval =
          warm && !grown && start.consolidated() == null
              ? Evaluation.of(labels, first.initialProbabilities(), split.valY())
              : parentEvaluation(data.modelId(), parent, warm, labels, split, val, refusals);
      List<Remedies.Remedy<TopTrainer.Fit>> remedies =
          warm && parentEval != null && t.remedies()
              ? remedies(options, training, interpolated, progress)
              : List.of();
      Remedies.Chosen<TopTrainer.Fit> chosen =
          Remedies.choose(
              first,
              (warm ? start.name() : "") + (light ? "light epoch" : "full schedule"),
              remedies,
              f -> Evaluation.of(labels, f.validationProbabilities(), split.valY()),
              e -> GuardRails.decide(config, e, parentEval, null));
      TopTrainer.Fit fit = chosen.kept();
      if (warm && start.consolidated() != null) {
        ConsolidationCheckpoint.delete(workDir, data.modelId());
      }
      TopModel top = fit.top();
      float[][] reference = reference(split, top, bottom, t.options().threads());
      return new Candidate(
          data,
          TrainingMode.TOP,
          top.head(),
          t.cut(),
          split,
          fit.validationProbabilities(),
          parentEval,
          parent != null && !warm,
          d.hits(),
          d.misses(),
          reference,
          headFiles(fit, fullFit),
          chosen.attempts(),
          new Candidate.Exporter() {
            @Override
            public void savedModel(String modelId, int version, Path dir) {
              ClassifierExporter.export(baseModel, backbone, top, modelId, version, dir);
            }

            @Override
            public void tfjs(Path tfjsBaseModel, Path dir) {
              TfjsExporter.export(tfjsBaseModel, top, dir);
            }
          });
    }
  }

  /**
   * Where a warm run starts: the weights, Adam's state and the last full fit's size, and the
   * consolidation it starts from, if any (else null: its parent).
   */
  private record Start(
      TopModel top, AdamState optimizer, int fullFit, ConsolidationCheckpoint consolidated) {
    /** How the candidate's name begins: empty from the parent. */
    String name() {
      return consolidated == null
          ? ""
          : Remedies.CONSOLIDATED + consolidated.describe() + ", then ";
    }
  }

  /**
   * A warm run of {@code modelId} starts from this trainer's finished background consolidation for
   * the configured cut and this backbone, if there is one, else from its parent.
   */
  private Start start(String modelId, Parent parent, String digest) {
    return ConsolidationCheckpoint.read(workDir, modelId)
        .filter(ConsolidationCheckpoint::finished)
        .filter(c -> c.fits(config.top().cut(), digest))
        .map(c -> new Start(c.top(), c.optimizer(), c.trainExamples(), c))
        .orElseGet(
            () -> new Start(parent.top(), parent.optimizer(), parent.fullFitExamples(), null));
  }

  /**
   * The remedies of a warm start that failed the guard-rails, cheapest first: the candidate moved
   * part of the way back to its parent's weights ({@code train.top.remedy.share}, one validation
   * pass), the same start at a tenth of the learning rates, then the parent's blocks kept as they
   * are with only the head retrained.
   */
  private List<Remedies.Remedy<TopTrainer.Fit>> remedies(
      TopOptions options,
      java.util.function.Function<TopOptions, TopTrainer.Fit> training,
      java.util.function.Supplier<TopTrainer.Fit> interpolated,
      TrainingRun.Progress progress) {
    double share = config.top().remedyShare();
    List<Map.Entry<String, java.util.function.Supplier<TopTrainer.Fit>>> all = new ArrayList<>();
    if (share > 0) {
      all.add(
          Map.entry(
              String.format(
                  java.util.Locale.ROOT, "interpolated: %.2f of the way from the parent", share),
              interpolated));
    }
    all.add(
        Map.entry(
            "gentler: learning rates / 10",
            () ->
                training.apply(
                    options.withLearningRates(
                        options.learningRate() / 10, options.headLearningRate() / 10))));
    all.add(
        Map.entry(
            "head only: the parent's blocks kept",
            () -> training.apply(options.withLearningRates(0, options.headLearningRate()))));
    return java.util.stream.IntStream.range(0, all.size())
        .mapToObj(
            i ->
                new Remedies.Remedy<>(
                    all.get(i).getKey(),
                    () -> {
                      progress.report(Phase.REMEDY, i + 1, all.size(), Double.NaN, Double.NaN);
                      return all.get(i).getValue().get();
                    }))
        .toList();
  }

  /** The files beside {@code head.json}: the top's weights, Adam's state and the full-fit size. */
  private static Map<String, byte[]> headFiles(TopTrainer.Fit fit, int fullFit) {
    Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    files.put(Parent.TOP_FILE, fit.top().weightsBytes());
    if (fit.optimizer() != null) {
      files.put(Parent.OPTIMIZER_FILE, fit.optimizer().toBytes());
    }
    files.put(
        Parent.FIT_FILE,
        Integer.toString(fullFit).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return files;
  }

  private Evaluation parentEvaluation(
      String modelId,
      Parent parent,
      boolean warm,
      List<String> labels,
      Split split,
      ActivationRows val,
      Gather.Refusals refusals) {
    if (parent == null) {
      return null;
    }
    if (warm) {
      return Evaluation.of(
          labels,
          TopTrainer.probabilities(baseModel, parent.top(), val, config.top().options().threads()),
          split.valY());
    }
    Backbone backbone = extractor.backbone();
    if (parent.top() != null || !backbone.featureLayers().contains(parent.head().featureLayer())) {
      return null;
    }
    Gather.Result<float[][]> features =
        Gather.features(store, extractor, clock)
            .gather(modelId, split.validationExamples(), config.rounds(), n -> {}, refusals);
    if (!features.skipped().isEmpty()) {
      throw new java.io.UncheckedIOException(
          new java.io.IOException(
              features.skipped().size()
                  + " validation "
                  + "example(s) of "
                  + modelId
                  + " changed during the run, so the parent cannot be scored on the same set; "
                  + "the run is tried again on the current examples"));
    }
    int layer = backbone.featureLayers().indexOf(parent.head().featureLayer());
    float[][] x =
        split.validationExamples().stream()
            .map(e -> features.values().get(e.sha256())[layer])
            .toArray(float[][]::new);
    return Evaluation.of(labels, HeadTrainer.probabilities(parent.head(), x), split.valY());
  }

  /**
   * The trained model's probabilities for the first validation images, straight from their bytes,
   * for the export check; an image relabelled or erased since the listing gets a null row.
   */
  private float[][] reference(Split split, TopModel top, CutExtractor bottom, int threads) {
    int n = Math.min(config.checkImages(), split.validationExamples().size());
    float[][] reference = new float[n][];
    List<Integer> present = new ArrayList<>(n);
    List<byte[]> images = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int at = i;
      store
          .get(split.validationExamples().get(i).key())
          .ifPresent(
              b -> {
                present.add(at);
                images.add(b);
              });
    }
    if (!images.isEmpty()) {
      float[][] p =
          TopTrainer.probabilities(
              baseModel, top, ActivationRows.of(bottom.extract(images)), threads);
      for (int j = 0; j < p.length; j++) {
        reference[present.get(j)] = p[j];
      }
    }
    return reference;
  }

  private static List<String> shas(List<Dataset.Example> examples) {
    return examples.stream().map(Dataset.Example::sha256).toList();
  }
}
