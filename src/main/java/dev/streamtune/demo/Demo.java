package dev.streamtune.demo;

import dev.streamtune.devstack.DevStack;
import dev.streamtune.devstack.DevStackConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TopicTail;
import dev.streamtune.feedback.FeedbackConfig;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.serve.PredictionConfig;
import dev.streamtune.serve.ServeApp;
import dev.streamtune.serve.ServeConfig;
import dev.streamtune.store.LocalFiles;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.train.TrainConfig;
import dev.streamtune.worker.Role;
import dev.streamtune.worker.Worker;
import dev.streamtune.worker.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code streamtune demo}: the whole learning loop on the embedded stack, in one process. It starts
 * the dev stack and the ingest, train and serve roles, then streams a labelled dataset in
 * increments ({@link DemoData}) as an upstream app would. Ingest's threshold is one increment, so
 * each increment triggers a training by itself; the demo waits for each announced version, scores
 * the served model on held-out images through the serve role, and prints the version, its accuracy
 * and change, examples and training time, then a summary.
 *
 * <pre>{@code
 * try (Demo demo = Demo.start(DemoConfig.defaults(), out, terminal)) {
 *   Demo.Summary s = demo.run();
 * }
 * }</pre>
 */
public final class Demo implements AutoCloseable {
  private final DemoConfig config;
  private final PrintWriter out;
  private final boolean terminal;
  private final List<AutoCloseable> running = new ArrayList<>();
  private DemoData data;
  private ServeApp serve;
  private Worker worker;
  private DemoRounds rounds;

  private Demo(DemoConfig config, PrintWriter out, boolean terminal) {
    this.config = config;
    this.out = out;
    this.terminal = terminal;
  }

  private void init() throws Exception {
    if (config.fresh()) {
      LocalFiles.deleteTree(config.dir());
    }
    Files.createDirectories(config.dir());
    this.data = dataset().withPool(config.loopPerClass());
    int threshold = data.increments().stream().mapToInt(List::size).min().orElse(1);
    DevStackConfig stackConfig =
        DevStackConfig.ephemeral(config.dir().resolve("stack"), config.fresh());
    TopicNames topics = stackConfig.topics();
    FeedbackConfig feedback = FeedbackConfig.defaults();
    PredictionConfig predictions = new PredictionConfig(0, 10_000, config.loopMargin());
    DevStack stack = open(DevStack.start(stackConfig));
    MinioObjectStore store = open(new MinioObjectStore(stack.s3()));
    Worker worker =
        open(
            Worker.start(
                    new WorkerConfig(
                        EnumSet.allOf(Role.class),
                        IngestConfig.defaults()
                            .withTriggers(threshold, 1, Duration.ZERO)
                            .withApplication(
                                "streamtune-demo-ingest", config.dir().resolve("ingest-state")),
                        TrainConfig.defaults().withGroup("streamtune-demo-trainer"),
                        FeatureConfig.defaults(),
                        ServeConfig.defaults()
                            .with(config.port(), Set.of(), config.dir().resolve("serving"))
                            .withPredictions(predictions),
                        feedback,
                        new TopicPolicy(3, (short) -1, Duration.ofHours(1)),
                        config.dir().resolve("work")),
                    stack.kafka(),
                    stack.registry(),
                    topics,
                    stack.s3(),
                    new SimpleMeterRegistry(),
                    Clock.systemUTC())
                .onCloseFailure(m -> out.println("streamtune demo: " + m)));
    this.worker = worker;
    serve = worker.serve().orElseThrow();
    StatusConsole console = open(new StatusConsole(out, terminal));
    open(TopicTail.start(stack.kafka(), topics.trainingStatus(), 1, console::accept));
    DemoLoop loop =
        new DemoLoop(
            config,
            stack,
            topics,
            store,
            dashboardUrl(),
            feedback.dailyRequests(),
            predictions,
            out);
    rounds =
        new DemoRounds(config, data, stack, topics, store, serve.subscriber(), out, terminal, loop);
  }

  /**
   * Generates or reads the dataset, starts the stack and every role.
   *
   * @param out where the announcements and the summary go
   * @param terminal whether {@code out} is a terminal (progress bars) or not (plain lines)
   */
  public static Demo start(DemoConfig config, PrintWriter out, boolean terminal) throws Exception {
    Demo demo = new Demo(config, out, terminal);
    try {
      demo.init();
      return demo;
    } catch (Exception | Error e) {
      demo.close();
      throw e;
    }
  }

  /** The dashboard's URL. */
  public String dashboardUrl() {
    return "http://localhost:" + serve.port() + "/";
  }

  /** Streams every increment, waits for its version, and returns the summary it printed. */
  public DemoSummary run() throws Exception {
    out.printf(
        "Streamtune demo: %d classes (%s), %d training images in %d increments, %d held out for testing.%n",
        data.labels().size(),
        String.join(", ", data.labels()),
        data.trainSize(),
        data.increments().size(),
        data.test().size());
    out.println("Dashboard: " + dashboardUrl());
    out.flush();
    return rounds.run();
  }

  private DemoData dataset() {
    if (config.images() != null) {
      return DemoData.split(config.images(), config.increments(), 0.15, 42);
    }
    Path root = config.dir().resolve("dataset");
    if (config.fashionMnist()) {
      if (!FashionMnist.installed()) {
        throw new IllegalStateException(
            "--fashion-mnist needs Debian's dataset-fashion-mnist: sudo apt-get install "
                + "dataset-fashion-mnist");
      }
      Path dir = root.resolve("fashion-mnist-" + config.increments() + "x" + config.perClass());
      if (!Files.exists(dir)) {
        FashionMnist.write(dir, config.increments() * config.perClass(), config.testPerClass());
      }
      return DemoData.of(dir.resolve("train"), dir.resolve("test"), config.increments());
    }
    Path dir =
        root.resolve(
            "shapes-"
                + config.increments()
                + "x"
                + config.perClass()
                + "-"
                + config.testPerClass());
    if (!Files.exists(dir)) {
      Shapes.write(dir.resolve("train"), config.increments() * config.perClass(), 0);
      Shapes.write(dir.resolve("test"), config.testPerClass(), 1_000_000);
    }
    return DemoData.of(dir.resolve("train"), dir.resolve("test"), config.increments());
  }

  private <T extends AutoCloseable> T open(T part) {
    running.add(part);
    return part;
  }

  /** Whether every role is still alive. */
  public boolean healthy() {
    return worker != null && worker.alive();
  }

  /** Stops the roles and the stack, in reverse order. */
  @Override
  public void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        out.println(
            "streamtune demo: stopping "
                + running.get(i).getClass().getSimpleName()
                + " failed: "
                + e);
      }
    }
    out.flush();
  }
}
