package dev.streamtune.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Many images' feature vectors in one object, so a retrain reads a few large objects instead of one
 * per image.
 *
 * <p>Layout, little-endian: magic {@code STFP}, version (u16), layer count (u16), then per layer
 * its name (u16 length, UTF-8) and dimension (u32); the entry count (u32); then per entry the
 * image's sha256 (32 bytes) and each layer's float32 vector, in layer order.
 *
 * @param layers layer names, in order
 * @param dims each layer's vector length
 * @param entries vectors per image sha256 (hex), each an array of layer vectors in layer order
 */
public record FeaturePack(List<String> layers, int[] dims, Map<String, float[][]> entries) {
  private static final int MAGIC = 0x50465453;
  private static final short VERSION = 1;

  /** Checks that every entry fits the layers. */
  public FeaturePack {
    layers = List.copyOf(layers);
    if (dims.length != layers.size()) {
      throw new IllegalArgumentException("one dimension per layer");
    }
    for (var e : entries.entrySet()) {
      if (e.getKey().length() != 64 || e.getValue().length != dims.length) {
        throw new IllegalArgumentException("bad entry " + e.getKey());
      }
      for (int i = 0; i < dims.length; i++) {
        if (e.getValue()[i].length != dims[i]) {
          throw new IllegalArgumentException(
              "entry "
                  + e.getKey()
                  + " layer "
                  + layers.get(i)
                  + " has "
                  + e.getValue()[i].length
                  + " values, not "
                  + dims[i]);
        }
      }
    }
  }

  /** The encoded bytes. */
  public byte[] encode() {
    int header = 4 + 2 + 2 + 4;
    int perEntry = 32;
    for (int i = 0; i < dims.length; i++) {
      header += 2 + layers.get(i).getBytes(StandardCharsets.UTF_8).length + 4;
      perEntry += 4 * dims[i];
    }
    ByteBuffer b =
        ByteBuffer.allocate(header + perEntry * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putShort(VERSION).putShort((short) layers.size());
    for (int i = 0; i < dims.length; i++) {
      byte[] name = layers.get(i).getBytes(StandardCharsets.UTF_8);
      b.putShort((short) name.length).put(name).putInt(dims[i]);
    }
    b.putInt(entries.size());
    for (var e : entries.entrySet()) {
      b.put(HexFormat.of().parseHex(e.getKey()));
      for (float[] v : e.getValue()) {
        b.asFloatBuffer().put(v);
        b.position(b.position() + 4 * v.length);
      }
    }
    return b.array();
  }

  /**
   * Decodes a pack.
   *
   * @throws IllegalArgumentException when the bytes are not a pack of a known version
   */
  public static FeaturePack decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12 || b.getInt() != MAGIC || b.getShort() != VERSION) {
      throw new IllegalArgumentException("not a version " + VERSION + " feature pack");
    }
    int n = b.getShort();
    List<String> layers = new ArrayList<>(n);
    int[] dims = new int[n];
    for (int i = 0; i < n; i++) {
      byte[] name = new byte[b.getShort()];
      b.get(name);
      layers.add(new String(name, StandardCharsets.UTF_8));
      dims[i] = b.getInt();
    }
    int count = b.getInt();
    Map<String, float[][]> entries = new LinkedHashMap<>(count * 2);
    byte[] sha = new byte[32];
    for (int e = 0; e < count; e++) {
      b.get(sha);
      float[][] v = new float[n][];
      for (int i = 0; i < n; i++) {
        v[i] = new float[dims[i]];
        b.asFloatBuffer().get(v[i]);
        b.position(b.position() + 4 * dims[i]);
      }
      entries.put(HexFormat.of().formatHex(sha), v);
    }
    return new FeaturePack(layers, dims, entries);
  }
}
