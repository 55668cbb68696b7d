package dev.streamtune.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.streamtune.image.ImageDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encoded images in, features out: preprocesses a batch with {@link ImageInput}, and splits the
 * backbone's pooled outputs back per image.
 */
final class FeatureTranslator implements NoBatchifyTranslator<List<byte[]>, List<Features>> {
  private final ImageInput input;
  private final Backbone backbone;

  FeatureTranslator(ImageDecoder decoder, Backbone backbone) {
    this.input = new ImageInput(decoder);
    this.backbone = backbone;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<byte[]> images) {
    return input.toNDList(ctx, images);
  }

  @Override
  public List<Features> processOutput(TranslatorContext ctx, NDList outputs) {
    Map<String, float[]> flat = new LinkedHashMap<>();
    for (NDArray a : outputs) {
      flat.put(a.getName(), a.toFloatArray());
    }
    int n = (int) outputs.get(0).getShape().get(0);
    List<Features> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, float[]> layers = new LinkedHashMap<>();
      for (var e : backbone.featureDims().entrySet()) {
        layers.put(e.getKey(), slice(flat, e.getKey(), i, e.getValue()));
      }
      out.add(
          new Features(
              layers,
              backbone.classes() == 0
                  ? new float[0]
                  : slice(flat, "logits", i, backbone.classes())));
    }
    return out;
  }

  private static float[] slice(Map<String, float[]> flat, String name, int i, int dims) {
    float[] all = flat.get(name);
    if (all == null) {
      throw new IllegalStateException(
          "The backbone returned no output " + name + "; it returned " + flat.keySet());
    }
    float[] v = new float[dims];
    System.arraycopy(all, i * dims, v, 0, dims);
    return v;
  }
}
