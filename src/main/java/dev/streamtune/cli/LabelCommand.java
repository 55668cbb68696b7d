package dev.streamtune.cli;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.feedback.Labeller;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamtune label --model m}: answers the model's pending labelling requests at a terminal,
 * each image copied to a local folder to look at; every label goes to {@code images.labelled}
 * naming its request.
 */
@Command(
    name = "label",
    mixinStandardHelpOptions = true,
    description =
        "Show a model's pending labelling requests (uncertain predictions the feedback role "
            + "asked about) one at a time and send the labels you type to images.labelled.")
final class LabelCommand implements Callable<Integer> {
  /** Where the answers are read; a test replaces it. */
  static InputStream input = System.in;

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "<modelId>",
      description = "the model whose requests to answer")
  String model;

  @Option(
      names = "--group",
      paramLabel = "<group>",
      description =
          "consumer group of the labellers sharing the requests (default: streamtune-label-<model>)")
  String group;

  @Option(
      names = "--by",
      paramLabel = "<name>",
      defaultValue = "${sys:user.name}",
      description = "who answers, recorded in each label (default: ${DEFAULT-VALUE})")
  String by;

  @Option(
      names = "--images",
      paramLabel = "<dir>",
      description = "folder the images are copied to for viewing (default: a temporary folder)")
  Path images;

  @Option(
      names = "--wait",
      paramLabel = "<seconds>",
      defaultValue = "30",
      description =
          "stop when no request arrives for this many seconds (default: ${DEFAULT-VALUE})")
  int wait;

  @Option(
      names = "--max",
      paramLabel = "<n>",
      defaultValue = "1000",
      description = "stop after this many requests (default: ${DEFAULT-VALUE})")
  int max;

  @Override
  public Integer call() throws Exception {
    ModelOption.check(model);
    var source = SettingOptions.source(spec);
    TopicNames topics = TopicNames.from(source);
    PrintWriter out = spec.commandLine().getOut();
    Duration idle = Duration.ofSeconds(Math.max(1, wait));
    Path dir =
        images != null ? Files.createDirectories(images) : Files.createTempDirectory("label");
    try (MinioObjectStore store = new MinioObjectStore(S3Config.from(source));
        Labeller labeller =
            Labeller.open(
                KafkaConfig.from(source),
                RegistryConfig.from(source),
                topics,
                model,
                group == null ? "streamtune-label-" + model : group)) {
      var reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
      out.printf("Pending labelling requests of %s; images are copied to %s%n", model, dir);
      Labeller.Outcome o =
          labeller.run(
              new LabelPrompt(reader, out, r -> copy(store, r, dir)), by, idle, Math.max(1, max));
      out.printf(
          "Sent %d label(s) to %s, skipped %d%s%n",
          o.answered(),
          topics.labelledImages(),
          o.skipped(),
          o.stopped() ? "; the rest stay pending" : "");
    }
    return 0;
  }

  /** Copies a request's image into {@code dir}, named by its sha256; says where, or why not. */
  private static String copy(MinioObjectStore store, LabellingRequest r, Path dir) {
    String key;
    try {
      key = ArtifactFiles.key(store, r.getImageUri());
    } catch (IllegalArgumentException elsewhere) {
      return r.getImageUri();
    }
    try {
      var bytes = store.get(key);
      if (bytes.isEmpty()) {
        return r.getImageUri() + " (gone from the bucket)";
      }
      Path file = dir.resolve(key.substring(key.lastIndexOf('/') + 1));
      Files.write(file, bytes.get());
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
