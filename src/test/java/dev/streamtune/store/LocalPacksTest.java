package dev.streamtune.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local mirror of cached packs ({@link LocalPacks}), through {@link ActivationCache#withLocal}:
 * a second read gets nothing from object storage; packs written through it are not fetched back; an
 * erasure's rewritten pack replaces the old one and the erased values' bytes are zeroed on disk; a
 * damaged mirror is rebuilt and the values are still right.
 */
class LocalPacksTest {
  private static final int[] SHAPE = {2, 2, 4};

  @TempDir Path dir;

  /** Counts the packs fetched. */
  private static final class Counting extends ForwardingStore {
    final AtomicInteger gets = new AtomicInteger();

    Counting(ObjectStore s) {
      super(s);
    }

    @Override
    public Optional<byte[]> get(String key) {
      gets.incrementAndGet();
      return real.get(key);
    }
  }

  private static Map<String, short[]> values(int n, long seed) {
    Random r = new Random(seed);
    Map<String, short[]> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byte[] sha = new byte[32];
      r.nextBytes(sha);
      float[] v = new float[ActivationPack.size(SHAPE)];
      for (int j = 0; j < v.length; j++) {
        v[j] = r.nextFloat();
      }
      out.put(HexFormat.of().formatHex(sha), HalfFloat.fromFloats(v));
    }
    return out;
  }

  private static ActivationCache cache(ObjectStore store) {
    return new ActivationCache(store, "digest", "cut", SHAPE, 4, Clock.systemUTC());
  }

  @Test
  void aSecondReadComesFromLocalDiskAndAnErasureLeavesNoBytesBehind() throws Exception {
    Counting store = new Counting(new InMemoryObjectStore("b"));
    Map<String, short[]> all = values(10, 1);
    cache(store).write("m", all);
    ActivationCache local = cache(store).withLocal(dir);
    List<String> wanted = all.keySet().stream().skip(2).limit(5).toList();

    Map<String, short[]> first = local.read("m", wanted);
    assertThat(store.gets.get()).as("three packs mirrored").isEqualTo(3);
    Map<String, short[]> second = local.read("m", wanted);
    assertThat(store.gets.get()).as("nothing fetched again").isEqualTo(3);
    for (String sha : wanted) {
      assertThat(first.get(sha)).containsExactly(all.get(sha));
      assertThat(second.get(sha)).containsExactly(all.get(sha));
    }

    Map<String, short[]> more = values(3, 2);
    local.write("m", more);
    assertThat(local.read("m", more.keySet())).hasSize(3);
    assertThat(store.gets.get()).as("a pack written here is mirrored as written").isEqualTo(3);

    String erased = wanted.get(0);
    CacheErasure.erase(store, "m", Set.of(erased), Clock.systemUTC());
    Map<String, short[]> after = local.read("m", all.keySet());
    assertThat(after).hasSize(9).doesNotContainKey(erased);
    all.keySet().stream()
        .filter(s -> !s.equals(erased))
        .forEach(s -> assertThat(after.get(s)).containsExactly(all.get(s)));
    byte[] raw = HexFormat.of().parseHex(erased);
    assertThat(indexOf(new LocalPacks<>(dir, null, null).rowBytes(local.prefix("m")), raw))
        .as("the erased image's row is gone from disk")
        .isEqualTo(-1);
  }

  @Test
  void aPrefixWithoutPacksReadsNothingAndKeepsItsMirror() throws Exception {
    Counting store = new Counting(new InMemoryObjectStore("b"));
    ActivationCache local = cache(store).withLocal(dir);
    assertThat(local.read("m", values(2, 4).keySet())).isEmpty();
    try (var folders = Files.list(dir)) {
      assertThat(folders.count()).as("the mirror was not deleted as damaged").isEqualTo(1);
    }
    Map<String, short[]> later = values(3, 5);
    cache(store).write("m", later);
    assertThat(local.read("m", later.keySet())).hasSize(3);
    assertThat(new LocalPacks<>(dir, null, null).mirrored(local.prefix("m"))).hasSize(1);
  }

  @Test
  void aDamagedMirrorIsRebuiltFromObjectStorage() throws Exception {
    Counting store = new Counting(new InMemoryObjectStore("b"));
    Map<String, short[]> all = values(8, 3);
    cache(store).write("m", all);
    ActivationCache local = cache(store).withLocal(dir);
    assertThat(local.read("m", all.keySet())).hasSize(8);
    try (var folders = Files.list(dir)) {
      Path mirror = folders.findFirst().orElseThrow();
      Files.writeString(mirror.resolve("index.tsv"), "nonsense\n");
    }
    Map<String, short[]> read = local.read("m", all.keySet());
    assertThat(read).hasSize(8);
    all.forEach((sha, v) -> assertThat(read.get(sha)).containsExactly(v));
    assertThat(local.read("m", all.keySet())).hasSize(8);
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
