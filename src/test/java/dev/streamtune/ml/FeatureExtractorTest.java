package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.image.ImageDecodeException;
import dev.streamtune.image.ImageDecodeException.Reason;
import dev.streamtune.image.PngHeaders;
import dev.streamtune.image.TestImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FeatureExtractorTest {
  private static FeatureExtractor fx;

  @BeforeAll
  static void open() {
    fx =
        FeatureExtractor.open(
            TestBackbone.get(), FeatureConfig.defaults().withMaxPixels(40_000_000));
  }

  @AfterAll
  static void close() {
    fx.close();
  }

  @Test
  void returnsEveryCandidateLayerAndTheBaseHead() {
    Features f = fx.extract(GoldenImages.synthetic().get("shapes.png"));
    assertThat(f.layers().keySet())
        .containsExactly("block_12_add", "block_13_expand_relu", "out_relu");
    assertThat(f.layer("block_12_add")).hasSize(96);
    assertThat(f.layer("block_13_expand_relu")).hasSize(576);
    assertThat(f.layer("out_relu")).hasSize(1280);
    double sum = 0;
    for (float p : f.logits()) {
      sum += p;
    }
    assertThat(f.logits()).hasSize(5);
    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void malformedInputsAreTypedErrorsAndTheEngineKeepsWorking() throws Exception {
    byte[] jpeg = TestImages.encode(TestImages.noise(64, 64), "jpeg");
    assertFails(Arrays.copyOf(jpeg, jpeg.length / 2), Reason.CORRUPT);
    assertFails(new byte[0], Reason.EMPTY);
    assertFails(PngHeaders.declaring(10_000, 10_000), Reason.TOO_LARGE);
    assertFails(TestImages.encode(TestImages.noise(8, 8), "tiff"), Reason.UNSUPPORTED_FORMAT);
    assertThat(fx.extract(GoldenImages.synthetic().get("one.png")).layer("out_relu")).hasSize(1280);
  }

  @Test
  void aBadImageInABatchNamesItsReason() {
    List<byte[]> batch =
        new ArrayList<>(List.of(GoldenImages.synthetic().get("one.png"), new byte[0]));
    assertThatThrownBy(() -> fx.extract(batch))
        .isInstanceOfSatisfying(
            ImageDecodeException.class, e -> assertThat(e.kind()).isEqualTo(Reason.EMPTY));
  }

  @Test
  void threadsShareTheModelAndAgree() throws Exception {
    byte[] img = GoldenImages.synthetic().get("gradient.png");
    float[] expected = fx.extract(img).layer("out_relu");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        results.add(pool.submit(() -> fx.extract(img).layer("out_relu")));
      }
      for (Future<float[]> r : results) {
        assertThat(r.get()).containsExactly(expected);
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void assertFails(byte[] bytes, Reason reason) {
    assertThatThrownBy(() -> fx.extract(bytes))
        .isInstanceOfSatisfying(
            ImageDecodeException.class, e -> assertThat(e.kind()).isEqualTo(reason));
  }
}
