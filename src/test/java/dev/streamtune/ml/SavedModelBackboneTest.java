package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's SavedModel as the base model, with its feature layer named by tensor. */
class SavedModelBackboneTest {

  @Test
  void aSavedModelWithANamedFeatureTensorGivesTheSameFeatures(@TempDir Path cache) {
    Backbone reference = TestBackbone.get();
    FeatureConfig d = FeatureConfig.defaults();
    FeatureConfig user =
        new FeatureConfig(
            reference.trainableModel(),
            cache,
            List.of("block_13_expand_relu/Relu6:0"),
            d.maxPixels(),
            d.batchSize(),
            d.intraOpThreads(),
            d.interOpThreads(),
            1,
            d.decodeBudget());
    Backbone converted = BaseModels.backbone(user);
    assertThat(converted.featureDims()).containsEntry("block_13_expand_relu/Relu6:0", 576);
    assertThat(converted.classes()).isEqualTo(5);
    byte[] image = GoldenImages.synthetic().get("shapes.png");
    float[] expected;
    try (FeatureExtractor fx = FeatureExtractor.open(reference, d)) {
      expected = fx.extract(image).layer("block_13_expand_relu");
    }
    try (FeatureExtractor fx = FeatureExtractor.open(converted, user)) {
      float[] actual = fx.extract(image).layer("block_13_expand_relu/Relu6:0");
      for (int i = 0; i < actual.length; i++) {
        assertThat((double) Math.abs(actual[i] - expected[i]))
            .isLessThanOrEqualTo(1e-4 * Math.max(1, Math.abs(expected[i])));
      }
    }
    assertThat(BaseModels.backbone(user).digest()).isEqualTo(converted.digest());
  }

  @Test
  void anUnknownTensorIsAClearError(@TempDir Path cache) {
    FeatureConfig d = FeatureConfig.defaults();
    FeatureConfig user =
        new FeatureConfig(
            TestBackbone.get().trainableModel(),
            cache,
            List.of("no_such_layer"),
            d.maxPixels(),
            d.batchSize(),
            d.intraOpThreads(),
            d.interOpThreads(),
            1,
            d.decodeBudget());
    assertThatThrownBy(() -> BaseModels.backbone(user))
        .hasMessageContaining("no tensor no_such_layer");
  }
}
