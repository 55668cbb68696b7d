package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.image.DecodeBudget;
import dev.streamtune.image.ImageDecoder;
import org.junit.jupiter.api.Test;

/** What the feature extractor tells the image decoder: its budget, and the side it decodes to. */
class DecodeSettingsTest {
  @Test
  void theDecodeBudgetDefaultsToTheDecodersAndMustBePositive() {
    assertThat(FeatureConfig.defaults().decodeBudget()).isEqualTo(DecodeBudget.defaultPixels());
    assertThatThrownBy(() -> FeatureConfig.defaults().withDecodeBudget(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDecoderKeepsFourTimesTheNetworksInputSide() {
    assertThat(ImageDecoder.DECODE_SIDE).isEqualTo(4 * Backbone.INPUT_SIZE);
  }
}
