package dev.streamtune.cli;

import dev.streamtune.demo.Progress;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.ingest.DatasetPublisher;
import dev.streamtune.ingest.EventSender;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code streamtune produce DIR --model m}: publishes a folder-per-class dataset. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description =
        "Publish a folder-per-class dataset (DIR/label/image) as LabelledImage events for a model, as an "
            + "upstream app would. Images above --ref-above are uploaded to S3 first and sent as ImageRefs.")
final class ProduceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "dataset directory: one folder per label")
  Path dir;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "<modelId>",
      description = "the model the images train")
  String model;

  @Option(
      names = "--ref-above",
      defaultValue = "512",
      paramLabel = "<KiB>",
      description =
          "send images larger than this many KiB as ImageRefs (default: ${DEFAULT-VALUE})")
  long refAboveKib;

  @Override
  public Integer call() throws Exception {
    var source = SettingOptions.source(spec);
    RegistryConfig registryConfig = RegistryConfig.from(source);
    TopicNames topics = TopicNames.from(source);
    PrintWriter out = spec.commandLine().getOut();
    var files = DatasetPublisher.images(dir);
    try (var sender =
            new EventSender(KafkaConfig.from(source), registryConfig, topics.labelledImages());
        var store = new MinioObjectStore(S3Config.from(source));
        var progress = new Progress("produce " + model, files.size(), out)) {
      var summary =
          new DatasetPublisher(store, Clock.systemUTC())
              .publish(files, model, refAboveKib * 1024, sender::send, f -> progress.step());
      sender.flush();
      out.printf(
          "Sent %d events to %s (%d as ImageRefs), skipped %d files, %.1f MiB of images.%n",
          summary.sent(),
          topics.labelledImages(),
          summary.refs(),
          summary.skipped(),
          summary.bytes() / 1048576.0);
    }
    return 0;
  }
}
