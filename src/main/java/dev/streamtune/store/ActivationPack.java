package dev.streamtune.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Many images' activations at one layer (the cut below a fine-tuned top) in one object, as
 * half-precision floats ({@link HalfFloat}): a 14×14×96 map is 37,632 bytes instead of 75,264.
 *
 * <p>Layout, little-endian: magic {@code STAP}, version (u16), the layer name (u16 length, UTF-8),
 * the rank (u16) and each dimension (u32); the entry count (u32); then per entry the image's sha256
 * (32 bytes) and the map's values as binary16, row-major.
 *
 * @param layer the layer the activations are taken at
 * @param shape one image's activation shape, such as {@code [14, 14, 96]}
 * @param entries values per image sha256 (hex), binary16 bits
 */
public record ActivationPack(String layer, int[] shape, Map<String, short[]> entries) {
  private static final int MAGIC = 0x50415453;
  private static final short VERSION = 1;

  /** Checks that every entry has the shape's size. */
  public ActivationPack {
    int size = size(shape);
    for (var e : entries.entrySet()) {
      if (e.getKey().length() != 64 || e.getValue().length != size) {
        throw new IllegalArgumentException(
            "entry " + e.getKey() + " has " + e.getValue().length + " values, not " + size);
      }
    }
  }

  /** Number of values per image. */
  public static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** The encoded bytes. */
  public byte[] encode() {
    byte[] name = layer.getBytes(StandardCharsets.UTF_8);
    int size = size(shape);
    ByteBuffer b =
        ByteBuffer.allocate(
                4
                    + 2
                    + 2
                    + name.length
                    + 2
                    + 4 * shape.length
                    + 4
                    + entries.size() * (32 + 2 * size))
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC)
        .putShort(VERSION)
        .putShort((short) name.length)
        .put(name)
        .putShort((short) shape.length);
    for (int d : shape) {
      b.putInt(d);
    }
    b.putInt(entries.size());
    for (var e : entries.entrySet()) {
      b.put(HexFormat.of().parseHex(e.getKey()));
      b.asShortBuffer().put(e.getValue());
      b.position(b.position() + 2 * size);
    }
    return b.array();
  }

  /**
   * Decodes {@link #encode()}'s bytes.
   *
   * @throws IllegalArgumentException if they are not an activation pack of this version
   */
  public static ActivationPack decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8 || b.getInt() != MAGIC || b.getShort() != VERSION) {
      throw new IllegalArgumentException("not a version " + VERSION + " activation pack");
    }
    byte[] name = new byte[b.getShort()];
    b.get(name);
    int[] shape = new int[b.getShort()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = b.getInt();
    }
    int size = size(shape);
    int count = b.getInt();
    Map<String, short[]> entries = new LinkedHashMap<>(count * 2);
    byte[] sha = new byte[32];
    for (int i = 0; i < count; i++) {
      b.get(sha);
      short[] v = new short[size];
      b.asShortBuffer().get(v);
      b.position(b.position() + 2 * size);
      entries.put(HexFormat.of().formatHex(sha), v);
    }
    return new ActivationPack(new String(name, StandardCharsets.UTF_8), shape, entries);
  }
}
