package dev.streamtune.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivationPackTest {
  @Test
  void roundTripsEveryEntryExactly() {
    Random r = new Random(1);
    int[] shape = {14, 14, 96};
    Map<String, short[]> entries = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      byte[] sha = new byte[32];
      r.nextBytes(sha);
      float[] v = new float[ActivationPack.size(shape)];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) r.nextGaussian() * 3;
      }
      entries.put(HexFormat.of().formatHex(sha), HalfFloat.fromFloats(v));
    }
    byte[] bytes = new ActivationPack("block_10_project_BN", shape, entries).encode();
    assertThat(bytes.length).isLessThan(5 * (32 + 2 * 18_816) + 64);
    ActivationPack back = ActivationPack.decode(bytes);
    assertThat(back.layer()).isEqualTo("block_10_project_BN");
    assertThat(back.shape()).containsExactly(14, 14, 96);
    assertThat(back.entries().keySet()).containsExactlyElementsOf(entries.keySet());
    entries.forEach((k, v) -> assertThat(back.entries().get(k)).containsExactly(v));
  }

  @Test
  void refusesOtherBytesAndWrongSizes() {
    assertThatThrownBy(() -> ActivationPack.decode(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new ActivationPack("x", new int[] {2, 2}, Map.of("a".repeat(64), new short[3])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 4");
  }
}
