package dev.streamtune.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encoded images in, features out: decodes and preprocesses a batch into one reused off-heap
 * buffer per thread (a fresh direct buffer per call would be freed only by GC), and splits the
 * backbone's pooled outputs back per image.
 */
final class FeatureTranslator implements NoBatchifyTranslator<List<byte[]>, List<Features>> {
  private static final int IMAGE_FLOATS = Backbone.INPUT_SIZE * Backbone.INPUT_SIZE * 3;
  private final ImageDecoder decoder;
  private final Backbone backbone;
  private final ThreadLocal<FloatBuffer> buffers = new ThreadLocal<>();

  FeatureTranslator(ImageDecoder decoder, Backbone backbone) {
    this.decoder = decoder;
    this.backbone = backbone;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<byte[]> images) {
    List<ImageDecoder.Rgb> decoded = new ArrayList<>(images.size());
    for (byte[] image : images) {
      decoded.add(decoder.decode(image));
    }
    FloatBuffer buf = buffer(images.size());
    for (ImageDecoder.Rgb rgb : decoded) {
      Preprocessing.write(rgb, buf);
    }
    buf.flip();
    Shape shape = new Shape(images.size(), Backbone.INPUT_SIZE, Backbone.INPUT_SIZE, 3);
    NDArray x = ctx.getNDManager().create(buf, shape, DataType.FLOAT32);
    x.setName("image");
    return new NDList(x);
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
      out.add(new Features(layers, backbone.classes() == 0 ? new float[0]
          : slice(flat, "logits", i, backbone.classes())));
    }
    return out;
  }

  private static float[] slice(Map<String, float[]> flat, String name, int i, int dims) {
    float[] all = flat.get(name);
    if (all == null) {
      throw new IllegalStateException("The backbone returned no output " + name + "; it returned " + flat.keySet());
    }
    float[] v = new float[dims];
    System.arraycopy(all, i * dims, v, 0, dims);
    return v;
  }

  private FloatBuffer buffer(int images) {
    FloatBuffer buf = buffers.get();
    if (buf == null || buf.capacity() < images * IMAGE_FLOATS) {
      buf = ByteBuffer.allocateDirect(images * IMAGE_FLOATS * Float.BYTES).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
      buffers.set(buf);
    }
    buf.clear();
    return buf;
  }
}
