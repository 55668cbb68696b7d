package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.ml.ActivationRows;
import dev.streamtune.store.HalfFloat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Activations spilled to disk read back as they were put, as maps and as training rows in any
 * order; the file is never visible in the directory.
 */
class SpilledActivationsTest {
  @TempDir Path dir;

  @Test
  void rowsReadBackWhatWasPutInAnyOrder() throws Exception {
    int n = 300;
    try (SpilledActivations spilled = new SpilledActivations(dir.resolve("run"), n)) {
      for (int i = 0; i < 50; i++) {
        spilled.put("sha" + i, HalfFloat.fromFloats(map(i, n)));
      }
      assertThat(spilled).hasSize(50).containsKey("sha7").doesNotContainKey("sha50");
      assertThat(spilled.put("sha7", HalfFloat.fromFloats(map(99, n))))
          .as("a sha256 already held keeps its first map")
          .containsExactly(HalfFloat.fromFloats(map(7, n)));
      assertThat(spilled.get("sha49")).containsExactly(HalfFloat.fromFloats(map(49, n)));
      assertThat(spilled.get("nope")).isNull();
      try (Stream<Path> visible = Files.list(dir.resolve("run"))) {
        assertThat(visible)
            .as("unlinked once open: even a killed trainer leaves no file")
            .isEmpty();
      }

      ActivationRows rows = spilled.rows(List.of("sha42", "sha0", "sha42", "sha13"));
      assertThat(rows.size()).isEqualTo(4);
      float[] dst = new float[2 * n + 1];
      rows.read(3, dst, 1);
      rows.read(0, dst, n + 1);
      assertThat(java.util.Arrays.copyOfRange(dst, 1, n + 1))
          .containsExactly(HalfFloat.toFloats(HalfFloat.fromFloats(map(13, n))));
      assertThat(java.util.Arrays.copyOfRange(dst, n + 1, 2 * n + 1))
          .containsExactly(HalfFloat.toFloats(HalfFloat.fromFloats(map(42, n))));
      assertThat(spilled.entrySet()).hasSize(50);

      assertThatThrownBy(() -> spilled.rows(List.of("sha1", "missing")))
          .hasMessageContaining("No activations gathered for missing");
      assertThatThrownBy(() -> spilled.put("short", new short[n - 1]))
          .hasMessageContaining("this run's have " + n);
    }
  }

  private static float[] map(int seed, int n) {
    float[] v = new float[n];
    for (int j = 0; j < n; j++) {
      v[j] = (float) Math.sin(seed * 31 + j) * 6;
    }
    return v;
  }
}
