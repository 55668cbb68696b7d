package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A head trained on the synthetic golden PNGs (and a fine-tuned top) is exported twice, as a
 * SavedModel ({@link ClassifierExporter}, run through DJL) and as a TF.js layers model ({@link
 * TfjsExporter}, run by {@code tools/tfjs-reference/classify.mjs} in Node on the wasm backend):
 * both must give the same probabilities for the same files, within {@value #TOLERANCE}.
 */
class TfjsExportIT {
  private static final Path TOOL = Path.of("tools", "tfjs-reference", "classify.mjs");
  private static final double TOLERANCE = 1e-4;

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(ints = {0, 8})
  void tfjsModelAgreesWithTheSavedModel(int hidden) throws Exception {
    Backbone backbone = TestBackbone.get();
    String layer = "block_13_expand_relu";
    Map<String, byte[]> images = GoldenImages.synthetic();
    List<byte[]> bytes = new ArrayList<>(images.values());
    float[][] x;
    try (FeatureExtractor fx = FeatureExtractor.open(backbone, FeatureConfig.defaults())) {
      x = fx.extract(bytes).stream().map(f -> f.layer(layer)).toArray(float[][]::new);
    }
    int[] y = new int[x.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 3;
    }
    Head head =
        HeadTrainer.train(
                Head.initial(List.of("a", "b", "c"), layer, Head.statistics(x), hidden, 5),
                x,
                y,
                x,
                y,
                HeadOptions.defaults().withEpochs(5, 5),
                null)
            .head();

    ClassifierExporter.export(backbone, head, "m", 1, tmp.resolve("saved_model"));
    TfjsExporter.export(FeatureConfig.defaults().baseModel(), head, tmp.resolve("tfjs"));
    assertThat(layerNames())
        .endsWith(
            hidden > 0
                ? new String[] {layer, TfjsExporter.POOL, TfjsExporter.HIDDEN, TfjsExporter.OUTPUT}
                : new String[] {layer, TfjsExporter.POOL, TfjsExporter.OUTPUT});
    crossCheck(images, "hidden=" + hidden);
  }

  /**
   * A top fine-tuned above {@code block_10_project_BN} on the golden images' cut activations: the
   * TF.js model, with the whole network and the tuned weights, agrees with the SavedModel.
   */
  @Test
  void fineTunedTopAgreesWithTheSavedModel() throws Exception {
    Backbone backbone = TestBackbone.get();
    FeatureConfig config = FeatureConfig.defaults();
    Map<String, byte[]> images = GoldenImages.synthetic();
    List<float[]> maps;
    try (CutExtractor bottom =
        CutExtractor.open(config.baseModel(), backbone, "block_10_project_BN", config)) {
      maps = bottom.extract(new ArrayList<>(images.values()));
    }
    int[] y = new int[maps.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 3;
    }
    TopModel init =
        TopTrainer.initial(
            config.baseModel(), "block_10_project_BN", "out_relu", List.of("a", "b", "c"), 5);
    TopModel top =
        TopTrainer.train(
                config.baseModel(),
                init,
                ActivationRows.of(maps),
                y,
                ActivationRows.of(maps),
                y,
                new TopOptions(1e-4f, 2e-3f, 4e-5f, 4, 4, 4, 18, 5, 2),
                null)
            .top();
    ClassifierExporter.export(
        config.baseModel(), backbone, top, "m", 1, tmp.resolve("saved_model"));
    TfjsExporter.export(config.baseModel(), top, tmp.resolve("tfjs"));
    assertThat(layerNames())
        .contains("block_16_project")
        .endsWith("out_relu", TfjsExporter.POOL, TfjsExporter.OUTPUT);
    crossCheck(images, "fine-tuned top");
  }

  private List<String> layerNames() throws IOException {
    JsonNode model = new ObjectMapper().readTree(tmp.resolve("tfjs/model.json").toFile());
    List<String> names = new ArrayList<>();
    model
        .at("/modelTopology/model_config/config/layers")
        .forEach(l -> names.add(l.get("name").asText()));
    return names;
  }

  private void crossCheck(Map<String, byte[]> images, String what) throws Exception {
    List<byte[]> bytes = new ArrayList<>(images.values());
    Path pngs = Files.createDirectories(tmp.resolve("images"));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "node",
                TOOL.toString(),
                "--model",
                tmp.resolve("tfjs").toString(),
                "--out",
                tmp.resolve("tfjs.json").toString()));
    for (var e : images.entrySet()) {
      Files.write(pngs.resolve(e.getKey()), e.getValue());
      cmd.add(pngs.resolve(e.getKey()).toString());
    }
    run(cmd);
    JsonNode tfjs = new ObjectMapper().readTree(tmp.resolve("tfjs.json").toFile());

    float[][] savedModel;
    try (ExportedClassifier c = ExportedClassifier.open(tmp.resolve("saved_model"), 40_000_000)) {
      savedModel = c.probabilities(bytes);
    }
    double worst = 0;
    double confident = 0;
    int unsaturated = 0;
    List<String> files = new ArrayList<>(images.keySet());
    assertThat(tfjs.size()).isEqualTo(files.size());
    for (int i = 0; i < files.size(); i++) {
      JsonNode p = tfjs.get(files.get(i));
      assertThat(p).as(files.get(i)).hasSize(3);
      for (int k = 0; k < 3; k++) {
        double delta = Math.abs(p.get(k).asDouble() - savedModel[i][k]);
        worst = Math.max(worst, delta);
        confident = Math.max(confident, savedModel[i][k]);
        unsaturated += savedModel[i][k] > 0.2 && savedModel[i][k] < 0.8 ? 1 : 0;
        assertThat(delta)
            .as("%s class %d: TF.js %s, SavedModel %s", files.get(i), k, p.get(k), savedModel[i][k])
            .isLessThanOrEqualTo(TOLERANCE);
      }
    }
    System.out.printf(
        "TF.js export (%s): %d images, largest |Δp| against the SavedModel %.2e, "
            + "largest probability %.3f%n",
        what, files.size(), worst, confident);
    // A briefly trained head: confident somewhere, yet mostly away from 0 and 1, where the softmax
    // would hide differences in the logits.
    assertThat(confident).as("the head must not be near-uniform").isGreaterThan(0.6);
    assertThat(unsaturated).as("probabilities in (0.2, 0.8)").isGreaterThanOrEqualTo(files.size());
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError("classify.mjs failed:\n" + out);
    }
  }
}
