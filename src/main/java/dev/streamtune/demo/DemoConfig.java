package dev.streamtune.demo;

import dev.streamtune.config.ConfigException;
import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of {@code streamtune demo}.
 *
 * @param dir where the demo keeps its stack, its state and the images it generates
 * @param fresh whether to wipe {@code dir} first
 * @param images a folder-per-class dataset of the user's, or null for a generated one
 * @param fashionMnist whether to use Debian's {@code dataset-fashion-mnist} instead
 * @param increments versions to train: the training images arrive in this many parts
 * @param perClass training images per class in each part (generated datasets)
 * @param testPerClass held-out images per class (generated datasets), scored on every version
 * @param port HTTP port of serve and its dashboard (0 picks a free one)
 * @param keepRunning whether to leave everything up after the summary, until Ctrl-C
 * @param versionTimeout the longest wait for each version
 * @param loopPerClass held-out images per class sent as live traffic in the labelling round, taken
 *     out of the test images (0 skips the round)
 * @param loopMargin serve's {@code serve.uncertain.margin} in the demo: which of them ask
 */
public record DemoConfig(
    Path dir,
    boolean fresh,
    Path images,
    boolean fashionMnist,
    int increments,
    int perClass,
    int testPerClass,
    int port,
    boolean keepRunning,
    Duration versionTimeout,
    int loopPerClass,
    double loopMargin) {

  /** Data directory. */
  public static final Setting<Path> DIR =
      Setting.path(
          "demo.dir",
          "~/.streamtune/demo",
          "where the demo keeps its embedded stack, state and generated images");

  /** Wipe first. */
  public static final Setting<Boolean> FRESH =
      Setting.bool("demo.fresh", false, "delete what an earlier demo left in demo.dir first");

  /** User images. */
  public static final Setting<Path> IMAGES =
      Setting.path(
              "demo.images",
              null,
              "train on your own folder-per-class images (DIR/label/image) instead of generated shapes")
          .asOptional();

  /** Fashion-MNIST. */
  public static final Setting<Boolean> FASHION_MNIST =
      Setting.bool(
          "demo.fashion.mnist",
          false,
          "train on Fashion-MNIST from Debian's dataset-fashion-mnist package instead of generated shapes");

  /** Increments. */
  public static final Setting<Integer> INCREMENTS =
      Setting.integer(
          "demo.increments",
          4,
          1,
          100,
          "how many parts the training images arrive in; each part trains a version");

  /** Images per class per increment. */
  public static final Setting<Integer> PER_CLASS =
      Setting.integer(
          "demo.per.class",
          25,
          2,
          10_000,
          "training images per class in each part (generated datasets)");

  /** Test images per class. */
  public static final Setting<Integer> TEST_PER_CLASS =
      Setting.integer(
          "demo.test.per.class",
          25,
          1,
          10_000,
          "held-out images per class that every version is scored on (generated datasets)");

  /** Port. */
  public static final Setting<Integer> PORT =
      Setting.port("demo.port", 8080, "HTTP port of the dashboard and API");

  /** Keep running. */
  public static final Setting<Boolean> KEEP_RUNNING =
      Setting.bool(
          "demo.keep.running",
          false,
          "leave the stack, the roles and the dashboard up after the summary, until Ctrl-C");

  /** Version timeout. */
  public static final Setting<Duration> VERSION_TIMEOUT =
      Setting.duration(
          "demo.version.timeout",
          Duration.ofMinutes(5),
          "the longest wait for each version before the demo gives up");

  /** Labelling round: images. */
  public static final Setting<Integer> LOOP_PER_CLASS =
      Setting.integer(
          "demo.loop.per.class",
          5,
          0,
          10_000,
          "held-out images per class classified through serve as live traffic after the last "
              + "increment; the uncertain ones become labelling requests that the demo answers "
              + "with their true labels, and train one more version (0 skips the round)");

  /** Labelling round: margin. */
  public static final Setting<Double> LOOP_MARGIN =
      Setting.decimal(
          "demo.loop.margin",
          0.5,
          0,
          1,
          "serve.uncertain.margin in the demo: a classification whose top probability leads the "
              + "second by less than this asks for a label (1 asks for every one)");

  /** Every setting, for options and the configuration reference. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          DIR,
          FRESH,
          IMAGES,
          FASHION_MNIST,
          INCREMENTS,
          PER_CLASS,
          TEST_PER_CLASS,
          PORT,
          KEEP_RUNNING,
          VERSION_TIMEOUT,
          LOOP_PER_CLASS,
          LOOP_MARGIN);

  /** Checks the combination. */
  public DemoConfig {
    if (images != null && fashionMnist) {
      throw new ConfigException("Give demo.images or demo.fashion.mnist, not both");
    }
  }

  /** Reads the settings. */
  public static DemoConfig from(ConfigSource s) {
    return new DemoConfig(
        s.get(DIR),
        s.get(FRESH),
        s.get(IMAGES),
        s.get(FASHION_MNIST),
        s.get(INCREMENTS),
        s.get(PER_CLASS),
        s.get(TEST_PER_CLASS),
        s.get(PORT),
        s.get(KEEP_RUNNING),
        s.get(VERSION_TIMEOUT),
        s.get(LOOP_PER_CLASS),
        s.get(LOOP_MARGIN));
  }

  /** The defaults. */
  public static DemoConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /**
   * A copy in another directory, fresh, on a free port, with a smaller generated dataset: for
   * tests.
   */
  public DemoConfig small(Path newDir, int newIncrements, int newPerClass, int newTestPerClass) {
    return new DemoConfig(
        newDir,
        true,
        images,
        fashionMnist,
        newIncrements,
        newPerClass,
        newTestPerClass,
        0,
        keepRunning,
        versionTimeout,
        loopPerClass,
        loopMargin);
  }

  /** A copy whose labelling round sends {@code perClass} images a class at {@code margin}. */
  public DemoConfig withLoop(int perClass, double margin) {
    return new DemoConfig(
        dir,
        fresh,
        images,
        fashionMnist,
        increments,
        this.perClass,
        testPerClass,
        port,
        keepRunning,
        versionTimeout,
        perClass,
        margin);
  }
}
