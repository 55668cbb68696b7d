package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.image.ImageDecoder;
import dev.streamtune.store.ForwardingStore;
import dev.streamtune.store.InMemoryObjectStore;
import dev.streamtune.store.ObjectStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@link Gather} finds the bad image in a refused batch: the computation decodes the whole batch
 * with the real {@link ImageDecoder} (as the extractors do, the first bad image failing the batch)
 * and answers each image's width; one JPEG cut mid-scan but ending with FFD9 among eight images is
 * handed to the refusals with its decoder error, the seven others get their values and are cached.
 * An error that is not bad data fails the gather. A round holds at most half its byte budget plus
 * one wave of downloads, and at most its image count; the next round downloads while one is
 * computed, a round's GETs several at once; a store's error fails the gather as it was thrown.
 */
class GatherTest {
  private static final ImageDecoder DECODER = new ImageDecoder(1_000_000);

  @Test
  void aBadImageInABatchIsRefusedAloneAndTheRestIsComputedAndCached() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore("b");
    List<Dataset.Example> examples = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      byte[] image = i == 5 ? cutJpeg(20 + i) : png(20 + i);
      String sha = Digests.sha256(image);
      String key = "examples/m/l/" + sha + (i == 5 ? ".jpg" : ".png");
      store.put(key, image, "image/png", Map.of());
      examples.add(new Dataset.Example(sha, "l", key));
    }
    Map<String, Integer> cache = new HashMap<>();
    int[] batches = {0};
    Gather<Integer> gather =
        new Gather<>(
            store,
            (m, shas, sink) -> {},
            (m, values) -> cache.putAll(values),
            images -> {
              batches[0]++;
              return images.stream().map(b -> DECODER.decode(b).width()).toList();
            });
    Map<String, String> refused = new HashMap<>();
    List<Integer> progress = new ArrayList<>();

    Gather.Result<Integer> r =
        gather.gather(
            "m",
            examples,
            new Gather.Rounds(8, Long.MAX_VALUE, 1),
            progress::add,
            (e, error) -> refused.put(e.key(), error.getMessage()));

    assertThat(refused).containsOnlyKeys(examples.get(5).key());
    assertThat(refused.get(examples.get(5).key())).startsWith("CORRUPT");
    assertThat(r.skipped()).containsExactly(examples.get(5).sha256());
    assertThat(r.values())
        .hasSize(7)
        .doesNotContainKey(examples.get(5).sha256())
        .containsEntry(examples.get(0).sha256(), 20)
        .containsEntry(examples.get(7).sha256(), 27);
    assertThat(cache).isEqualTo(r.values());
    assertThat(r.misses()).isEqualTo(8);
    assertThat(progress).containsExactly(8);
    assertThat(batches[0]).as("halving: 8, 4+4, 2+2, 1+1").isEqualTo(7);
  }

  @Test
  void anExampleRelabelledSinceTheListingIsLeftOutOfThisRunNotRefused() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore("b");
    List<Dataset.Example> examples = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      byte[] image = png(30 + i);
      String key = "examples/m/l/" + Digests.sha256(image) + ".png";
      store.put(key, image, "image/png", Map.of());
      examples.add(new Dataset.Example(Digests.sha256(image), "l", key));
    }
    store.delete(examples.get(2).key());
    Map<String, String> refused = new HashMap<>();
    Gather<Integer> gather =
        new Gather<>(
            store,
            (m, shas, sink) -> {},
            (m, values) -> {},
            images -> images.stream().map(b -> DECODER.decode(b).width()).toList());

    Gather.Result<Integer> r =
        gather.gather(
            "m",
            examples,
            new Gather.Rounds(8, Long.MAX_VALUE, 3),
            n -> {},
            (e, error) -> refused.put(e.key(), error.getMessage()));

    assertThat(r.values()).hasSize(3).doesNotContainKey(examples.get(2).sha256());
    assertThat(r.skipped()).containsExactly(examples.get(2).sha256());
    assertThat(refused).as("nothing quarantined").isEmpty();
  }

  @Test
  void anErrorThatIsNotBadDataFailsTheGather() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore("b");
    byte[] image = png(10);
    store.put("examples/m/l/x.png", image, "image/png", Map.of());
    Gather<Integer> gather =
        new Gather<>(
            store,
            (m, shas, sink) -> {},
            (m, values) -> {},
            images -> {
              throw new IllegalStateException("Feature extraction failed: out of native memory");
            });
    assertThatThrownBy(
            () ->
                gather.gather(
                    "m",
                    List.of(new Dataset.Example(Digests.sha256(image), "l", "examples/m/l/x.png")),
                    new Gather.Rounds(8, Long.MAX_VALUE, 1),
                    n -> {},
                    (e, error) -> {}))
        .hasMessageContaining("native memory");
  }

  @Test
  void aRoundStopsDownloadingOnceItHoldsHalfTheByteBudget() {
    InMemoryObjectStore store = new InMemoryObjectStore("test");
    List<Dataset.Example> examples = sized(store, 10);
    List<Integer> roundBytes = new ArrayList<>();
    Map<String, Integer> cache = new HashMap<>();
    Gather<Integer> gather =
        lengths(
            store, cache, images -> roundBytes.add(images.stream().mapToInt(b -> b.length).sum()));
    List<Integer> progress = new ArrayList<>();
    var result =
        gather.gather(
            "m", examples, new Gather.Rounds(256, 250, 1), progress::add, (e, error) -> {});
    assertThat(roundBytes).containsExactly(201, 205, 209, 213, 217);
    assertThat(roundBytes).allSatisfy(b -> assertThat(b).isLessThan(125 + 110));
    assertThat(progress).containsExactly(2, 4, 6, 8, 10);
    assertThat(result.values()).hasSize(10).isEqualTo(cache);
    assertThat(result.values().get(String.format("%064x", 7))).isEqualTo(107);
    assertThat(result.misses()).isEqualTo(10);
  }

  @Test
  void concurrentDownloadsOvershootHalfTheBudgetByLessThanOneWave() {
    InMemoryObjectStore store = new InMemoryObjectStore("test");
    List<Dataset.Example> examples = sized(store, 10);
    List<Integer> roundSizes = new ArrayList<>();
    var result =
        lengths(store, new HashMap<>(), images -> roundSizes.add(images.size()))
            .gather("m", examples, new Gather.Rounds(256, 250, 4), n -> {}, (e, error) -> {});
    assertThat(roundSizes).as("waves of 4: 100..103 hold 406 >= 125").containsExactly(4, 4, 2);
    assertThat(result.values()).hasSize(10);
    assertThat(result.values().get(String.format("%064x", 9))).isEqualTo(109);
  }

  @Test
  void theNextRoundDownloadsWhileARoundIsComputed() throws Exception {
    InMemoryObjectStore real = new InMemoryObjectStore("test");
    List<Dataset.Example> examples = sized(real, 4);
    CountDownLatch nextAsked = new CountDownLatch(1);
    ObjectStore store =
        new ForwardingStore(real) {
          @Override
          public Optional<byte[]> get(String key) {
            if (key.equals(examples.get(2).key())) {
              nextAsked.countDown();
            }
            return super.get(key);
          }
        };
    List<Boolean> overlapped = new ArrayList<>();
    new Gather<Integer>(
            store,
            (model, shas, sink) -> {},
            (model, values) -> {},
            images -> {
              if (overlapped.isEmpty()) {
                overlapped.add(await(nextAsked));
              }
              return images.stream().map(b -> b.length).toList();
            })
        .gather("m", examples, new Gather.Rounds(2, Long.MAX_VALUE, 1), n -> {}, (e, error) -> {});
    assertThat(overlapped)
        .as("round 2 was asked for during round 1's computation")
        .containsExactly(true);
  }

  @Test
  void aRoundHasItsDownloadsInFlightAtOnce() {
    InMemoryObjectStore real = new InMemoryObjectStore("test");
    List<Dataset.Example> examples = sized(real, 8);
    CountDownLatch allIn = new CountDownLatch(4);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ObjectStore store =
        new ForwardingStore(real) {
          @Override
          public Optional<byte[]> get(String key) {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            allIn.countDown();
            await(allIn);
            inFlight.decrementAndGet();
            return super.get(key);
          }
        };
    var result =
        lengths(store, new HashMap<>(), images -> {})
            .gather(
                "m", examples, new Gather.Rounds(8, Long.MAX_VALUE, 4), n -> {}, (e, error) -> {});
    assertThat(most.get()).isEqualTo(4);
    assertThat(result.values()).hasSize(8);
  }

  @Test
  void aStoreErrorFailsTheGatherAsTheStoreThrewIt() {
    InMemoryObjectStore real = new InMemoryObjectStore("test");
    List<Dataset.Example> examples = sized(real, 6);
    UncheckedIOException outage = new UncheckedIOException(new IOException("connection refused"));
    ObjectStore store =
        new ForwardingStore(real) {
          @Override
          public Optional<byte[]> get(String key) {
            if (key.equals(examples.get(4).key())) {
              throw outage;
            }
            return super.get(key);
          }
        };
    Map<String, Integer> cache = new HashMap<>();
    Gather<Integer> gather = lengths(store, cache, images -> {});
    assertThatThrownBy(
            () ->
                gather.gather(
                    "m",
                    examples,
                    new Gather.Rounds(2, Long.MAX_VALUE, 2),
                    n -> {},
                    (e, error) -> {}))
        .isSameAs(outage);
    assertThat(cache).as("the rounds before it are cached").hasSize(4);
  }

  @Test
  void theImageCountStillBoundsARound() {
    InMemoryObjectStore store = new InMemoryObjectStore("test");
    List<Integer> rounds = new ArrayList<>();
    lengths(store, new HashMap<>(), images -> rounds.add(images.size()))
        .gather(
            "m",
            sized(store, 5),
            new Gather.Rounds(2, Long.MAX_VALUE, 2),
            n -> {},
            (e, error) -> {});
    assertThat(rounds).containsExactly(2, 2, 1);
  }

  /**
   * A gathering whose value is each image's length, nothing cached before, writing into {@code
   * cache} and showing each round's images to {@code rounds}.
   */
  private static Gather<Integer> lengths(
      ObjectStore store, Map<String, Integer> cache, Consumer<List<byte[]>> rounds) {
    return new Gather<>(
        store,
        (model, shas, sink) -> {},
        (model, values) -> cache.putAll(values),
        images -> {
          rounds.accept(images);
          return images.stream().map(b -> b.length).toList();
        });
  }

  /** Images of 100, 101, ... bytes under {@code img/0}, {@code img/1}, ... */
  private static List<Dataset.Example> sized(InMemoryObjectStore store, int n) {
    List<Dataset.Example> examples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = "img/" + i;
      store.put(key, new byte[100 + i], "image/png", Map.of());
      examples.add(new Dataset.Example(String.format("%064x", i), "x", key));
    }
    return examples;
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static byte[] png(int width) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, 8, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }

  private static byte[] cutJpeg(int width) throws Exception {
    BufferedImage img = new BufferedImage(width, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, (x * 7919 + y * 104729) & 0xffffff);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    byte[] whole = out.toByteArray();
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2 + 2);
    cut[cut.length - 2] = (byte) 0xFF;
    cut[cut.length - 1] = (byte) 0xD9;
    return cut;
  }
}
