package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneConverterTest {

  @Test
  void anUnsupportedLayerIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("model.json"),
        """
        {"modelTopology": {"model_config": {"class_name": "Model", "config": {"layers": [
          {"name": "input_1", "class_name": "InputLayer", "config": {}, "inbound_nodes": []},
          {"name": "lstm_7", "class_name": "LSTM", "config": {}, "inbound_nodes": [[["input_1", 0, 0, {}]]]}
        ]}}}, "weightsManifest": []}""");
    assertThatThrownBy(
            () ->
                BackboneConverter.convert(
                    dir, dir.resolve("cache"), "x", List.of("lstm_7"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lstm_7")
        .hasMessageContaining("LSTM")
        .hasMessageContaining("DepthwiseConv2D");
  }

  @Test
  void aMissingCandidateLayerIsAnErrorNamingIt(@TempDir Path cache) {
    FeatureConfig d = FeatureConfig.defaults();
    assertThatThrownBy(
            () ->
                BackboneConverter.convert(
                    d.baseModel(), cache, "x", List.of("block_99_add"), List.of()))
        .hasMessageContaining("block_99_add");
  }

  @Test
  void conversionIsCachedByDigest() {
    Backbone a = TestBackbone.get();
    FeatureConfig d = FeatureConfig.defaults();
    Backbone b =
        BackboneConverter.convert(
            d.baseModel(), d.cacheDir(), a.name(), d.featureLayers(), BaseModels.DEFAULT_CLASSES);
    assertThat(b.dir()).isEqualTo(a.dir());
    assertThat(b.digest()).isEqualTo(a.digest()).hasSize(64);
    assertThat(b.classNames()).containsExactly("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
    assertThat(Files.exists(a.trainableModel().resolve("variables"))).isTrue();
  }
}
