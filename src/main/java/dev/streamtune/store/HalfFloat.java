package dev.streamtune.store;

/**
 * IEEE 754 half precision (binary16), for compact cached activations: 10 bits of mantissa, a
 * relative rounding error of at most 2⁻¹¹ (4.9e-4) for magnitudes from 6.1e-5 to 65504, rounding to
 * nearest even. Java 17 has no {@code Float.floatToFloat16}; this is the same conversion.
 */
public final class HalfFloat {
  private HalfFloat() {}

  /** The nearest half-precision value, as its 16 bits. Beyond ±65504 it is ±infinity. */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      int m = mant | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int midpoint = 1 << (shift - 1);
      if (rest > midpoint || (rest == midpoint && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++;
    }
    return (short) (sign | half);
  }

  /** The float of a half-precision value's 16 bits (exact). */
  public static float toFloat(short h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** Converts an array. */
  public static short[] fromFloats(float[] v) {
    short[] out = new short[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = fromFloat(v[i]);
    }
    return out;
  }

  /** Converts an array back. */
  public static float[] toFloats(short[] h) {
    float[] out = new float[h.length];
    toFloats(h, out, 0);
    return out;
  }

  /** Converts an array back into {@code dst}, from {@code offset}. */
  public static void toFloats(short[] h, float[] dst, int offset) {
    for (int i = 0; i < h.length; i++) {
      dst[offset + i] = toFloat(h[i]);
    }
  }
}
