package dev.streamtune.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslatorContext;
import dev.streamtune.image.ImageDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The input side of every translator here: decodes and preprocesses a batch of encoded images into
 * the {@code image} tensor [N,224,224,3], through one reused off-heap buffer per thread (a fresh
 * direct buffer per call would be freed only by GC). Each image is decoded (subsampled, see {@link
 * ImageDecoder#decode}) and resized before the next is decoded, so a batch holds one decoded image
 * at a time.
 */
final class ImageInput {
  private static final int IMAGE_FLOATS = Backbone.INPUT_SIZE * Backbone.INPUT_SIZE * 3;
  private final ImageDecoder decoder;
  private final ThreadLocal<FloatBuffer> buffers = new ThreadLocal<>();

  ImageInput(ImageDecoder decoder) {
    this.decoder = decoder;
  }

  NDList toNDList(TranslatorContext ctx, List<byte[]> images) {
    FloatBuffer buf = buffer(images.size());
    for (byte[] image : images) {
      Preprocessing.write(decoder.decode(image), buf);
    }
    buf.flip();
    Shape shape = new Shape(images.size(), Backbone.INPUT_SIZE, Backbone.INPUT_SIZE, 3);
    NDArray x = ctx.getNDManager().create(buf, shape, DataType.FLOAT32);
    x.setName("image");
    return new NDList(x);
  }

  private FloatBuffer buffer(int images) {
    FloatBuffer buf = buffers.get();
    if (buf == null || buf.capacity() < images * IMAGE_FLOATS) {
      buf =
          ByteBuffer.allocateDirect(images * IMAGE_FLOATS * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      buffers.set(buf);
    }
    buf.clear();
    return buf;
  }
}
