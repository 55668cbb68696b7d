package dev.streamtune.store;

import static dev.streamtune.store.FeaturePackTest.sha;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link CacheErasure}: erased images leave every pack of the model, and nothing else does. */
class CacheErasureTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore("b");
  private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void erasedImagesLeaveTheModelsFeatureAndActivationPacksOnly() {
    FeatureCache a =
        new FeatureCache(store, "digest-a", List.of("l1", "l2"), new int[] {2, 1}, 2, clock);
    FeatureCache b = new FeatureCache(store, "digest-b", List.of("l1"), new int[] {2}, 10, clock);
    ActivationCache cut =
        new ActivationCache(store, "digest-a", "cut", new int[] {1, 2}, 10, clock);
    a.write("m", features(1, 2, 3, 4, 5));
    b.write("m", features1(1, 2));
    a.write("other", features(1, 2));
    cut.write("m", activations(1, 3));
    int packsBefore = store.list("features/digest-a/m/").size();

    CacheErasure.Result r = CacheErasure.erase(store, "m", Set.of(sha(1), sha(3)), clock);

    assertThat(r.entries()).as("1 and 3 in a, 1 in b, 1 and 3 at the cut").isEqualTo(5);
    assertThat(a.read("m", shas(1, 2, 3, 4, 5))).containsOnlyKeys(sha(2), sha(4), sha(5));
    assertThat(a.read("m", shas(2)).get(sha(2))[1]).containsExactly(2f);
    assertThat(b.read("m", shas(1, 2))).containsOnlyKeys(sha(2));
    assertThat(cut.read("m", shas(1, 3))).isEmpty();
    assertThat(store.list("activations/digest-a/cut/m/"))
        .as("an emptied pack is deleted")
        .isEmpty();
    assertThat(a.read("other", shas(1, 2)))
        .as("another model's cache is its own")
        .containsOnlyKeys(sha(1), sha(2));
    assertThat(store.list("features/digest-a/m/")).hasSize(packsBefore);
    assertThat(r.packsRewritten()).isEqualTo(4);
    assertThat(CacheErasure.erase(store, "m", Set.of(sha(1), sha(3)), clock))
        .as("erasing again finds nothing")
        .isEqualTo(new CacheErasure.Result(0, 0));
  }

  private static List<String> shas(int... ids) {
    return java.util.Arrays.stream(ids).mapToObj(FeaturePackTest::sha).toList();
  }

  private static Map<String, float[][]> features(int... ids) {
    Map<String, float[][]> out = new LinkedHashMap<>();
    for (int i : ids) {
      out.put(sha(i), new float[][] {{i, -i}, {i}});
    }
    return out;
  }

  private static Map<String, float[][]> features1(int... ids) {
    Map<String, float[][]> out = new LinkedHashMap<>();
    for (int i : ids) {
      out.put(sha(i), new float[][] {{i, i}});
    }
    return out;
  }

  private static Map<String, short[]> activations(int... ids) {
    Map<String, short[]> out = new LinkedHashMap<>();
    for (int i : ids) {
      out.put(sha(i), new short[] {(short) i, (short) -i});
    }
    return out;
  }
}
