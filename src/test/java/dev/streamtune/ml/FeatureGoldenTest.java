package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Java features against the committed TF.js reference ({@code golden/tfjs-features.json}, made by
 * {@code TfjsCrossCheckIT} with {@code -Dstreamtune.golden.update=true}).
 */
class FeatureGoldenTest {

  @Test
  void featuresMatchTheCommittedTfjsReference() {
    Map<String, Features> ours = new LinkedHashMap<>();
    try (FeatureExtractor fx =
        FeatureExtractor.open(TestBackbone.get(), FeatureConfig.defaults())) {
      GoldenImages.all().forEach((name, bytes) -> ours.put(name, fx.extract(bytes)));
    }
    double worst =
        GoldenFeatures.assertAgree(
            GoldenFeatures.read(getClass().getResourceAsStream("/golden/tfjs-features.json")),
            ours);
    assertThat(worst).isLessThan(1e-4);
  }

  @Test
  void batchedExtractionEqualsOneByOne() {
    Map<String, byte[]> images = GoldenImages.synthetic();
    try (FeatureExtractor fx =
        FeatureExtractor.open(TestBackbone.get(), FeatureConfig.defaults().withBatchSize(4))) {
      var batched = fx.extract(images.values().stream().toList());
      int i = 0;
      for (byte[] img : images.values()) {
        Features single = fx.extract(img);
        for (String layer : TestBackbone.get().featureLayers()) {
          float[] a = batched.get(i).layer(layer);
          float[] b = single.layer(layer);
          for (int k = 0; k < a.length; k++) {
            assertThat((double) Math.abs(a[k] - b[k]))
                .isLessThanOrEqualTo(1e-5 * Math.max(1, Math.abs(b[k])));
          }
        }
        i++;
      }
    }
  }
}
