package dev.streamtune.ml;

/** The default backbone for tests, fetched and converted once per machine (both are cached). */
final class TestBackbone {
  private static Backbone backbone;

  private TestBackbone() {}

  static synchronized Backbone get() {
    if (backbone == null) {
      backbone = BaseModels.backbone(FeatureConfig.defaults());
    }
    return backbone;
  }
}
