package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.image.DecodeBudget;
import dev.streamtune.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The accuracy cost of decoding large images subsampled: features of mosaics of the test photos
 * (tiled at their native resolution, so detail stays at pixel scale, the hard case) decoded
 * subsampled against the same decoded at full size, as TF.js does. The figures are in docs/ml.md.
 */
class SubsamplingAccuracyTest {

  @Test
  void subsampledFeaturesOfLargePhotosStayCloseToFullSizeOnes() throws IOException {
    Map<String, byte[]> images = new LinkedHashMap<>();
    for (String photo : new String[] {"astronaut.png", "chelsea.png", "coffee.png", "camera.png"}) {
      images.put(photo + " 4x4", mosaic(GoldenImages.all().get(photo), 4));
    }
    images.put("astronaut.png 8x8", mosaic(GoldenImages.all().get("astronaut.png"), 8));
    FeatureConfig config = FeatureConfig.defaults();
    DecodeBudget budget = DecodeBudget.of(config.decodeBudget());
    double worst = 1;
    try (FeatureExtractor full =
            FeatureExtractor.open(
                TestBackbone.get(),
                config,
                new ImageDecoder(config.maxPixels(), budget, Integer.MAX_VALUE));
        FeatureExtractor sub =
            FeatureExtractor.open(
                TestBackbone.get(), config, new ImageDecoder(config.maxPixels(), budget))) {
      for (var e : images.entrySet()) {
        Features a = full.extract(e.getValue());
        Features b = sub.extract(e.getValue());
        for (String layer : TestBackbone.get().featureLayers()) {
          double cos = cosine(a.layer(layer), b.layer(layer));
          System.out.printf("%s %s: cosine %.5f%n", e.getKey(), layer, cos);
          worst = Math.min(worst, cos);
        }
        double cos = cosine(a.logits(), b.logits());
        System.out.printf("%s logits: cosine %.5f%n", e.getKey(), cos);
      }
    }
    System.out.printf("worst feature cosine similarity: %.5f%n", worst);
    assertThat(worst).isGreaterThan(0.95);
  }

  private static byte[] mosaic(byte[] png, int n) throws IOException {
    BufferedImage tile = ImageIO.read(new ByteArrayInputStream(png));
    BufferedImage out =
        new BufferedImage(tile.getWidth() * n, tile.getHeight() * n, BufferedImage.TYPE_INT_RGB);
    var g = out.createGraphics();
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        g.drawImage(tile, x * tile.getWidth(), y * tile.getHeight(), null);
      }
    }
    g.dispose();
    return GoldenImages.png(out);
  }

  private static double cosine(float[] a, float[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
    return ab / Math.sqrt(aa * bb);
  }
}
