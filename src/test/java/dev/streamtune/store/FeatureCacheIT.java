package dev.streamtune.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

@WithStack
class FeatureCacheIT {
  private static final List<String> LAYERS =
      List.of("block_12_add", "block_13_expand_relu", "out_relu");
  private static final int[] DIMS = {96, 576, 1280};

  private static Map<String, float[][]> vectors(int from, int count) {
    Random r = new Random(from);
    Map<String, float[][]> out = new HashMap<>();
    for (int i = from; i < from + count; i++) {
      float[][] v = new float[DIMS.length][];
      for (int l = 0; l < DIMS.length; l++) {
        v[l] = new float[DIMS[l]];
        for (int k = 0; k < DIMS[l]; k++) {
          v[l][k] = r.nextFloat();
        }
      }
      out.put(FeaturePackTest.sha(i), v);
    }
    return out;
  }

  @Test
  void readingTenThousandFeaturesTakesOneListAndAFewGets(Stack stack) {
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      CountingStore store = new CountingStore(s3);
      FeatureCache cache =
          new FeatureCache(store, "digest-a", LAYERS, DIMS, 4096, Clock.systemUTC());
      Map<String, float[][]> written = vectors(0, 10_000);
      cache.write("shapes", written);
      assertThat(store.puts.get()).isEqualTo(3);

      Map<String, float[][]> read = cache.read("shapes", written.keySet());

      assertThat(read).hasSize(10_000);
      assertThat(store.lists.get()).isEqualTo(1);
      assertThat(store.gets.get()).isEqualTo(3);
      String some = FeaturePackTest.sha(1234);
      assertThat(read.get(some)[2]).containsExactly(written.get(some)[2]);
    }
  }

  @Test
  void onlyRequestedImagesOfTheModelAndBackboneAreReturned(Stack stack) {
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      FeatureCache a = new FeatureCache(s3, "digest-b", LAYERS, DIMS, 100, Clock.systemUTC());
      FeatureCache otherBackbone =
          new FeatureCache(s3, "digest-c", LAYERS, DIMS, 100, Clock.systemUTC());
      a.write("m1", vectors(0, 10));
      a.write("m2", vectors(100, 10));
      otherBackbone.write("m1", vectors(200, 10));
      assertThat(
              a.read(
                  "m1",
                  List.of(
                      FeaturePackTest.sha(3), FeaturePackTest.sha(105), FeaturePackTest.sha(205))))
          .containsOnlyKeys(FeaturePackTest.sha(3));
    }
  }

  @Test
  void compactionMergesSmallPacksAndKeepsEveryVector(Stack stack) {
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      FeatureCache cache = new FeatureCache(s3, "digest-d", LAYERS, DIMS, 1000, Clock.systemUTC());
      for (int i = 0; i < 5; i++) {
        cache.write("m", vectors(i * 10, 10));
      }
      assertThat(s3.list(cache.prefix("m"))).hasSize(5);
      assertThat(cache.compact("m", 2)).isEqualTo(5);
      assertThat(s3.list(cache.prefix("m"))).hasSize(1);
      assertThat(cache.read("m", vectors(0, 50).keySet())).hasSize(50);
      assertThat(cache.compact("m", 2)).isZero();
    }
  }
}
