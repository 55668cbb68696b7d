package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The TF.js export without Node: the folded z-score, the kept layers and the weight shard. */
class TfjsExporterTest {
  private static final Path BASE = FeatureConfig.defaults().baseModel();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @BeforeAll
  static void baseModel() {
    BaseModels.ensureDefault(BASE);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 8})
  void exportedDenseLayersReproduceTheHeadOnRawPooledFeatures(int hidden) throws Exception {
    Random r = new Random(7 + hidden);
    Head head = randomHead(r, "block_13_expand_relu", 576, hidden);
    float[][] raw = new float[16][576];
    for (float[] v : raw) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (head.mean()[i] + r.nextGaussian() * head.std()[i]);
      }
    }
    TfjsExporter.export(BASE, head, tmp);
    Map<String, float[]> w = weights(tmp);
    float[][] expected = HeadTrainer.probabilities(head, raw);
    for (int n = 0; n < raw.length; n++) {
      double[] p;
      if (hidden > 0) {
        double[] h =
            dense(raw[n], w.get("streamtune_hidden/kernel"), w.get("streamtune_hidden/bias"));
        p = dense(relu(h), w.get("streamtune_output/kernel"), w.get("streamtune_output/bias"));
      } else {
        p = dense(raw[n], w.get("streamtune_output/kernel"), w.get("streamtune_output/bias"));
      }
      softmax(p);
      for (int k = 0; k < p.length; k++) {
        assertThat(p[k]).as("row %d class %d", n, k).isCloseTo(expected[n][k], within(1e-5));
      }
    }
  }

  @Test
  void keepsOnlyTheAncestorsOfTheFeatureLayerWithTheirDequantizedWeights() throws Exception {
    TfjsExporter.export(BASE, randomHead(new Random(1), "block_13_expand_relu", 576, 8), tmp);
    JsonNode model = JSON.readTree(tmp.resolve("model.json").toFile());
    assertThat(model.get("format").asText()).isEqualTo("layers-model");
    List<String> names = new ArrayList<>();
    model
        .at("/modelTopology/model_config/config/layers")
        .forEach(l -> names.add(l.get("name").asText()));
    assertThat(names)
        .startsWith("input_1", "Conv1_pad", "Conv1", "bn_Conv1")
        .contains("block_12_add", "block_13_expand", "block_13_expand_BN")
        .doesNotContain(
            "block_13_pad", "block_13_depthwise", "out_relu", "Conv_1", "flatten_1", "dense_3")
        .endsWith(
            "block_13_expand_relu", TfjsExporter.POOL, TfjsExporter.HIDDEN, TfjsExporter.OUTPUT);
    List<String> original =
        KerasLayersModel.read(BASE).layers().stream().map(KerasLayersModel.Layer::name).toList();
    List<String> backbone = names.subList(0, names.size() - 3);
    assertThat(original).containsSubsequence(backbone);
    assertThat(original.subList(0, original.indexOf("block_13_expand_relu") + 1))
        .containsAll(backbone);
    assertThat(model.at("/modelTopology/model_config/config/output_layers/0/0").asText())
        .isEqualTo(TfjsExporter.OUTPUT);

    Map<String, float[]> w = weights(tmp);
    KerasLayersModel base = KerasLayersModel.read(BASE);
    for (String name : w.keySet()) {
      assertThat(names).as(name).contains(name.substring(0, name.indexOf('/')));
    }
    assertThat(w)
        .containsKeys(
            "Conv1/kernel", "block_13_expand/kernel", "block_13_expand_BN/moving_variance")
        .doesNotContainKeys(
            "Conv_1/kernel", "block_13_depthwise/depthwise_kernel", "dense_1/kernel");
    assertThat(w.get("block_13_expand/kernel"))
        .containsExactly(base.weight("block_13_expand/kernel").values());
    assertThat(w.get("streamtune_hidden/kernel")).hasSize(576 * 8);
  }

  @Test
  void outReluKeepsTheWholeBackboneButNotTheBaseModelsHead() throws Exception {
    TfjsExporter.export(BASE, randomHead(new Random(2), "out_relu", 1280, 0), tmp);
    JsonNode layers =
        JSON.readTree(tmp.resolve("model.json").toFile())
            .at("/modelTopology/model_config/config/layers");
    assertThat(layers).hasSize(KerasLayersModel.read(BASE).layers().size() - 7 + 2);
    assertThat(weights(tmp)).containsKey("Conv_1/kernel").doesNotContainKey("dense_1/kernel");
  }

  @Test
  void refusesAnUnknownLayerAWrongWidthOrAFlatLayer() {
    assertThatThrownBy(
            () -> TfjsExporter.export(BASE, randomHead(new Random(3), "no_such_layer", 4, 0), tmp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no_such_layer");
    assertThatThrownBy(
            () ->
                TfjsExporter.export(
                    BASE, randomHead(new Random(3), "block_13_expand_relu", 3, 0), tmp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("576")
        .hasMessageContaining("the head takes 3");
    assertThatThrownBy(
            () -> TfjsExporter.export(BASE, randomHead(new Random(3), "flatten_1", 1280, 0), tmp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flatten_1");
    assertThat(tmp.resolve("model.json")).doesNotExist();
  }

  /**
   * A head with spread-out statistics and non-zero biases, so that every term of the fold counts.
   */
  private static Head randomHead(Random r, String layer, int d, int hidden) {
    float[] mean = new float[d];
    float[] std = new float[d];
    for (int i = 0; i < d; i++) {
      mean[i] = (float) (r.nextDouble() * 3);
      std[i] = (float) (0.05 + r.nextDouble() * 2);
    }
    Head h =
        Head.initial(
            List.of("a", "b", "c"), layer, new Head.Statistics(mean, std), hidden, r.nextLong());
    List<float[]> p = new ArrayList<>(h.params());
    for (int i = 1; i < p.size(); i += 2) {
      float[] b = p.get(i).clone();
      for (int j = 0; j < b.length; j++) {
        b[j] = (float) r.nextGaussian();
      }
      p.set(i, b);
    }
    return h.withParams(p);
  }

  /** The exported weights by manifest name, read back from the float32 shard. */
  static Map<String, float[]> weights(Path dir) throws Exception {
    JsonNode manifest = JSON.readTree(dir.resolve("model.json").toFile()).get("weightsManifest");
    assertThat(manifest).hasSize(1);
    assertThat(manifest.at("/0/paths/0").asText()).isEqualTo(TfjsExporter.SHARD);
    ByteBuffer buf =
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve(TfjsExporter.SHARD)))
            .order(ByteOrder.LITTLE_ENDIAN);
    Map<String, float[]> out = new LinkedHashMap<>();
    for (JsonNode spec : manifest.at("/0/weights")) {
      assertThat(spec.get("dtype").asText()).isEqualTo("float32");
      assertThat(spec.has("quantization")).isFalse();
      int n = 1;
      for (JsonNode s : spec.get("shape")) {
        n *= s.asInt();
      }
      float[] v = new float[n];
      buf.asFloatBuffer().get(v);
      buf.position(buf.position() + 4 * n);
      out.put(spec.get("name").asText(), v);
    }
    assertThat(buf.remaining()).as("bytes after the last weight").isZero();
    return out;
  }

  private static double[] dense(float[] x, float[] kernel, float[] bias) {
    double[] y = new double[bias.length];
    for (int j = 0; j < y.length; j++) {
      y[j] = bias[j];
      for (int i = 0; i < x.length; i++) {
        y[j] += (double) x[i] * kernel[i * y.length + j];
      }
    }
    return y;
  }

  private static float[] relu(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) Math.max(0, v[i]);
    }
    return out;
  }

  private static void softmax(double[] z) {
    double max = java.util.Arrays.stream(z).max().orElseThrow();
    double sum = 0;
    for (int i = 0; i < z.length; i++) {
      z[i] = Math.exp(z[i] - max);
      sum += z[i];
    }
    for (int i = 0; i < z.length; i++) {
      z[i] /= sum;
    }
  }
}
