package dev.streamtune.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeaturePackTest {

  static String sha(int i) {
    return String.format("%064x", i);
  }

  @Test
  void roundTripsExactly() {
    Map<String, float[][]> entries = new LinkedHashMap<>();
    entries.put(sha(1), new float[][] {{1f, -2.5f}, {Float.MIN_VALUE, 3e38f, 0f}});
    entries.put(sha(2), new float[][] {{0f, 0f}, {1f, 2f, 3f}});
    FeaturePack pack =
        new FeaturePack(List.of("a", "block_13_expand_relu"), new int[] {2, 3}, entries);
    FeaturePack back = FeaturePack.decode(pack.encode());
    assertThat(back.layers()).containsExactly("a", "block_13_expand_relu");
    assertThat(back.dims()).containsExactly(2, 3);
    assertThat(back.entries()).containsOnlyKeys(sha(1), sha(2));
    assertThat(back.entries().get(sha(1))[1]).containsExactly(Float.MIN_VALUE, 3e38f, 0f);
  }

  @Test
  void refusesMismatchedEntriesAndForeignBytes() {
    assertThatThrownBy(
            () ->
                new FeaturePack(List.of("a"), new int[] {2}, Map.of(sha(1), new float[][] {{1f}})))
        .hasMessageContaining("1 values, not 2");
    assertThatThrownBy(
            () ->
                FeaturePack.decode(
                    "not a pack at all".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .hasMessageContaining("feature pack");
  }
}
