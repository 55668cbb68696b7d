package dev.streamtune.demo;

import dev.streamtune.devstack.DevStack;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.image.ImageDecodeException;
import dev.streamtune.ingest.DatasetPublisher;
import dev.streamtune.ingest.EventSender;
import dev.streamtune.serve.Classifier;
import dev.streamtune.serve.ModelSubscriber;
import dev.streamtune.store.ObjectStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The demo's rounds: for each increment, publish its images as {@code LabelledImage} events, wait
 * for the version the threshold triggers, score the served model on the held-out images, and print
 * a line; then the summary.
 */
final class DemoRounds {
  private static final long REF_ABOVE = 512 * 1024;
  private final DemoConfig config;
  private final DemoData data;
  private final DevStack stack;
  private final TopicNames topics;
  private final ObjectStore store;
  private final ModelSubscriber subscriber;
  private final PrintWriter out;
  private final boolean terminal;
  private final DemoLoop loop;

  DemoRounds(
      DemoConfig config,
      DemoData data,
      DevStack stack,
      TopicNames topics,
      ObjectStore store,
      ModelSubscriber subscriber,
      PrintWriter out,
      boolean terminal,
      DemoLoop loop) {
    this.loop = loop;
    this.config = config;
    this.data = data;
    this.stack = stack;
    this.topics = topics;
    this.store = store;
    this.subscriber = subscriber;
    this.out = out;
    this.terminal = terminal;
  }

  DemoSummary run() throws Exception {
    long t0 = System.nanoTime();
    await(
        "the model-version topic to be read",
        Duration.ofMinutes(1),
        () -> subscriber.ready(Set.of()));
    String modelId = modelId();
    Map<Path, byte[]> test = read(data.test());
    List<ModelVersion> versions = new ArrayList<>();
    List<Double> accuracy = new ArrayList<>();
    try (var sender = new EventSender(stack.kafka(), stack.registry(), topics.labelledImages())) {
      DatasetPublisher publisher = new DatasetPublisher(store, Clock.systemUTC());
      int expected = 0;
      for (int k = 0; k < data.increments().size(); k++) {
        List<Path> part = data.increments().get(k);
        expected += part.size();
        try (Progress p =
            new Progress(
                "increment " + (k + 1) + "/" + data.increments().size() + ": producing",
                part.size(),
                out,
                terminal)) {
          publisher.publish(part, modelId, REF_ABOVE, sender::send, f -> p.step());
          sender.flush();
        }
        record(modelId, awaitVersion(modelId, expected, versions.size()), test, versions, accuracy);
      }
    }
    int labelled = 0;
    if (!data.pool().isEmpty()) {
      labelled = loop.run(modelId, read(data.pool())).answered();
      if (labelled > 0) {
        record(
            modelId,
            awaitVersion(modelId, data.trainSize() + 1, versions.size()),
            test,
            versions,
            accuracy);
      }
    }
    DemoSummary s =
        new DemoSummary(
            modelId, versions, accuracy, Duration.ofNanos(System.nanoTime() - t0), labelled);
    out.print(DemoText.summary(s, test.size()));
    out.flush();
    return s;
  }

  /** Scores a version when PUBLISHED, adds it to the lists and prints its line. */
  private void record(
      String modelId,
      ModelVersion v,
      Map<Path, byte[]> test,
      List<ModelVersion> versions,
      List<Double> accuracy) {
    double acc =
        v.getStatus() == VersionStatus.PUBLISHED
            ? score(modelId, v.getVersion(), test)
            : accuracy.isEmpty() ? Double.NaN : accuracy.get(accuracy.size() - 1);
    versions.add(v);
    accuracy.add(acc);
    out.println(
        DemoText.version(
            v, acc, accuracy.size() < 2 ? Double.NaN : accuracy.get(accuracy.size() - 2)));
    out.flush();
  }

  /** The first of {@code name}, {@code name-2}, … that no earlier run of this stack used. */
  private String modelId() {
    String base =
        config.images() != null
            ? config
                .images()
                .toAbsolutePath()
                .normalize()
                .getFileName()
                .toString()
                .replaceAll("[^A-Za-z0-9_-]", "-")
            : config.fashionMnist() ? "fashion-mnist" : "shapes";
    base = base.isEmpty() ? "images" : base.substring(0, Math.min(50, base.length()));
    Set<String> used = subscriber.models();
    String id = base;
    for (int n = 2; used.contains(id); n++) {
      id = base + "-" + n;
    }
    if (!id.equals(base)) {
      out.println(
          "Model "
              + base
              + " has versions from an earlier demo on this stack, so this run trains "
              + id
              + " (--fresh starts over).");
    }
    return id;
  }

  private ModelVersion awaitVersion(String modelId, int examples, int seen) {
    Supplier<Optional<ModelVersion>> next =
        () ->
            subscriber.history(modelId).stream()
                .skip(seen)
                .filter(v -> v.getExamples().getTotal() >= examples)
                .findFirst();
    await(
        "version " + (seen + 1) + " of " + modelId + " (" + examples + " examples)",
        config.versionTimeout(),
        () -> next.get().isPresent());
    return next.get().orElseThrow();
  }

  private double score(String modelId, int version, Map<Path, byte[]> test) {
    await(
        "version " + version + " of " + modelId + " to be served",
        config.versionTimeout(),
        () ->
            subscriber
                    .classifier(modelId)
                    .flatMap(Classifier::served)
                    .map(ModelVersion::getVersion)
                    .orElse(0)
                >= version);
    Classifier c = subscriber.classifier(modelId).orElseThrow();
    int right = 0;
    int scored = 0;
    for (Map.Entry<Path, byte[]> e : test.entrySet()) {
      try {
        right +=
            c.classify(e.getValue(), 1).labels().get(0).label().equals(DemoData.label(e.getKey()))
                ? 1
                : 0;
        scored++;
      } catch (ImageDecodeException notAnImage) {
        continue;
      }
    }
    return scored == 0 ? Double.NaN : (double) right / scored;
  }

  private static Map<Path, byte[]> read(List<Path> files) {
    Map<Path, byte[]> out = new java.util.LinkedHashMap<>();
    for (Path f : files) {
      try {
        out.put(f, Files.readAllBytes(f));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + f, e);
      }
    }
    return out;
  }

  /** Polls {@code done} every 100 ms until it holds, or fails naming {@code what}. */
  static void await(String what, Duration timeout, Supplier<Boolean> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.get()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "The demo waited "
                + timeout.toSeconds()
                + " s for "
                + what
                + " and gave up; see the log above (demo.version.timeout raises the wait)");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what, e);
      }
    }
  }
}
