package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Compares Java features with TF.js reference features ({@code tools/tfjs-reference/features.mjs}).
 */
final class GoldenFeatures {
  /** The layers the reference computes. */
  static final List<String> LAYERS =
      List.of("block_12_add", "block_13_expand_relu", "out_relu", "logits");

  private GoldenFeatures() {}

  static JsonNode read(InputStream in) {
    try (in) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that every image's features agree, per element, within 1e-4·max(1,|x|).
   *
   * @return the largest relative difference seen
   */
  static double assertAgree(JsonNode reference, Map<String, Features> ours) {
    double worst = 0;
    assertThat(reference.get("images")).hasSize(ours.size());
    for (JsonNode img : reference.get("images")) {
      String file = img.get("file").asText();
      Features f = ours.get(file);
      assertThat(f).as("Java features of " + file).isNotNull();
      for (String layer : LAYERS) {
        JsonNode expected = img.get("features").get(layer);
        float[] actual = layer.equals("logits") ? f.logits() : f.layer(layer);
        assertThat(actual).as(file + " " + layer + " length").hasSize(expected.size());
        for (int i = 0; i < actual.length; i++) {
          double x = expected.get(i).asDouble();
          double rel = Math.abs(actual[i] - x) / Math.max(1, Math.abs(x));
          worst = Math.max(worst, rel);
          assertThat(rel)
              .as("%s %s[%d]: Java %s, TF.js %s", file, layer, i, actual[i], x)
              .isLessThanOrEqualTo(1e-4);
        }
      }
    }
    return worst;
  }
}
