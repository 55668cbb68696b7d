package dev.streamtune.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivationCacheTest {
  private static final int[] SHAPE = {4, 4, 8};

  private static Map<String, short[]> activations(int n, long seed) {
    Random r = new Random(seed);
    Map<String, short[]> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byte[] sha = new byte[32];
      r.nextBytes(sha);
      float[] v = new float[ActivationPack.size(SHAPE)];
      for (int j = 0; j < v.length; j++) {
        v[j] = r.nextFloat() * 6;
      }
      out.put(HexFormat.of().formatHex(sha), HalfFloat.fromFloats(v));
    }
    return out;
  }

  @Test
  void packsRoundTripPerModelAndLayerAndCompact() {
    InMemoryObjectStore store = new InMemoryObjectStore("b");
    ActivationCache cache =
        new ActivationCache(store, "digest", "block_10_project_BN", SHAPE, 256, Clock.systemUTC());
    Map<String, short[]> all = activations(700, 1);
    cache.write("m", all);
    assertThat(store.list(cache.prefix("m"))).hasSize(3);
    List<String> wanted = all.keySet().stream().skip(100).limit(300).toList();
    Map<String, short[]> read = cache.read("m", wanted);
    assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(wanted);
    wanted.forEach(sha -> assertThat(read.get(sha)).containsExactly(all.get(sha)));
    assertThat(cache.read("other", wanted)).isEmpty();
    ActivationCache otherLayer =
        new ActivationCache(store, "digest", "block_12_add", SHAPE, 256, Clock.systemUTC());
    assertThat(otherLayer.read("m", wanted)).isEmpty();
    cache.write("m", activations(10, 2));
    assertThat(cache.compact("m", 3)).isEqualTo(4);
    assertThat(store.list(cache.prefix("m"))).hasSize(3);
    assertThat(cache.read("m", all.keySet())).hasSize(700);
  }
}
