package dev.streamtune.cli;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.serve.ModelSubscriber;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamtune watch}: prints each model-version announcement as it arrives. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description =
        "Print every announcement on models.versions, from the beginning, then each new one as it "
            + "arrives, until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "<model>", description = "only this model")
  String model;

  @Option(names = "--json", description = "one JSON object per line instead of a summary line")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    var source = SettingOptions.source(spec);
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    try (ModelSubscriber s =
        ModelSubscriber.watch(
            KafkaConfig.from(source),
            RegistryConfig.from(source),
            TopicNames.from(source).modelVersions(),
            v -> {
              if (model == null || model.equals(v.getModelId())) {
                out.println(json ? v.toString() : line(v));
                out.flush();
              }
            })) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "watch-shutdown"));
      stopped.await();
    }
    return 0;
  }

  /** One announcement as a line. */
  static String line(ModelVersion v) {
    var m = v.getMetrics();
    return String.format(
        Locale.ROOT,
        "%s version %d %s %s accuracy %.4f%s, %d examples, trained in %.1f s: %s",
        v.getModelId(),
        v.getVersion(),
        v.getStatus(),
        v.getTraining().getMode(),
        m.getAccuracy(),
        m.getParentAccuracy() == null
            ? ""
            : String.format(
                Locale.ROOT, " (parent %d: %.4f)", v.getParentVersion(), m.getParentAccuracy()),
        v.getExamples().getTotal(),
        v.getTimings().getTrainingMillis() / 1000.0,
        v.getReason());
  }
}
