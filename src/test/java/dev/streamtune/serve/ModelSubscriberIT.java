package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The subscriber on the stack, with real SavedModels: a new version swaps in under load with no
 * failed call, REJECTED versions and artifacts whose sha256 differs are never loaded, and ten
 * swaps do not grow the process's resident memory (each replaced model's native memory is freed).
 */
@WithStack
class ModelSubscriberIT {
  private static final String MODEL = "pets";

  @Test
  void swapsUnderLoadSkipsRejectedAndTamperedVersionsAndFreesReplacedModels(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "subscriber-it");
    Path a = Announcer.export(dir.resolve("a"), 1);
    Path b = Announcer.export(dir.resolve("b"), 2);
    byte[] image = png();
    ServeConfig config = ServeConfig.defaults().with(0, Set.of(MODEL), dir.resolve("cache"));
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3()); Announcer announcer = new Announcer(stack, s3);
        ModelSubscriber subscriber = ModelSubscriber.start(stack.kafka(), stack.registry(),
            stack.topics().modelVersions(), s3, config, null)) {
      announcer.announce(MODEL, 1, VersionStatus.PUBLISHED, a, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> served(subscriber) == 1);
      assertThat(subscriber.ready(Set.of(MODEL))).isTrue();
      Classifier c = subscriber.classifier(MODEL).orElseThrow();
      Prediction first = c.classify(image);
      assertThat(first.version()).isEqualTo(1);
      assertThat(first.labels()).hasSize(3).extracting(Prediction.Scored::label)
          .containsExactlyInAnyOrderElementsOf(Announcer.LABELS);

      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicLong firstV2 = new AtomicLong(Long.MAX_VALUE);
      AtomicLong v2Answers = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread th = new Thread(() -> {
          int last = 0;
          while (!stop.get()) {
            try {
              int v = c.classify(image).version();
              if (v < last) {
                failures.add(new AssertionError("answered by version " + v + " after version " + last));
              }
              if (v == 2) {
                firstV2.accumulateAndGet(System.nanoTime(), Math::min);
                v2Answers.incrementAndGet();
              }
              last = v;
            } catch (Throwable e) {
              failures.add(e);
            }
          }
        });
        th.start();
        threads.add(th);
      }
      long announced = System.nanoTime();
      announcer.announce(MODEL, 2, VersionStatus.PUBLISHED, b, false);
      await().atMost(Duration.ofSeconds(30)).until(() -> v2Answers.get() >= 40);
      stop.set(true);
      for (Thread th : threads) {
        th.join();
      }
      assertThat(failures).isEmpty();
      double switchSeconds = (firstV2.get() - announced) / 1e9;
      System.out.printf("swap: first answer from version 2 %.2f s after the announcement%n", switchSeconds);
      assertThat(switchSeconds).isLessThan(5);
      assertThat(c.classify(image).version()).isEqualTo(2);

      announcer.announce(MODEL, 3, VersionStatus.REJECTED, a, false);
      announcer.announce(MODEL, 4, VersionStatus.PUBLISHED, a, true);
      await().atMost(Duration.ofSeconds(30)).until(() -> subscriber.history(MODEL).size() == 4);
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> served(subscriber) == 2);
      assertThat(c.classify(image).version()).isEqualTo(2);

      List<Long> rss = new ArrayList<>();
      List<Long> offHeap = new ArrayList<>();
      for (int v = 5; v <= 14; v++) {
        announcer.announce(MODEL, v, VersionStatus.PUBLISHED, v % 2 == 0 ? a : b, false);
        int want = v;
        await().atMost(Duration.ofSeconds(60)).until(() -> served(subscriber) == want);
        assertThat(c.classify(image).version()).isEqualTo(v);
        System.gc();
        long r = rssMiB();
        rss.add(r);
        offHeap.add(r - Runtime.getRuntime().totalMemory() / (1 << 20));
      }
      System.out.println("RSS after each of 10 swaps (MiB): " + rss + "; outside the Java heap: " + offHeap);
      assertThat(offHeap.get(offHeap.size() - 1) - offHeap.get(2))
          .as("growth outside the Java heap (native TensorFlow memory) from the 3rd to the 10th swap, MiB")
          .isLessThan(100);
      try (var files = Files.list(dir.resolve("cache").resolve(MODEL))) {
        assertThat(files.count()).as("replaced versions' local copies are deleted").isEqualTo(1);
      }
    }
  }

  private static int served(ModelSubscriber s) {
    return s.classifier(MODEL).flatMap(Classifier::served).map(ModelVersion::getVersion).orElse(0);
  }

  static byte[] png() throws Exception {
    BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | ((x + y) * 2));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  static long rssMiB() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    throw new IllegalStateException("no VmRSS");
  }
}
