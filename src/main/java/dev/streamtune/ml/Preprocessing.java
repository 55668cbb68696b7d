package dev.streamtune.ml;

import dev.streamtune.image.ImageDecoder;
import java.nio.FloatBuffer;

/**
 * The backbone's input, as the nsfwjs package computes it in TF.js: pixels / 255, then a bilinear
 * resize to 224×224 with {@code alignCorners = true}.
 *
 * <p>alignCorners = true maps the corner pixels of the input onto the corner pixels of the output
 * (scale (in − 1) / (out − 1)). We use it because it is what the model's own TF.js code does
 * ({@code tf.image.resizeBilinear(img, [224, 224], true)}), so features match TF.js numerically.
 * The arithmetic follows TF.js's resizeBilinear kernel: fractions in double precision, values
 * rounded to float32.
 */
final class Preprocessing {
  private static final float[] UNIT = new float[256];

  static {
    for (int i = 0; i < 256; i++) {
      UNIT[i] = (float) (i / 255.0);
    }
  }

  private Preprocessing() {}

  /** Writes one image's 224×224×3 floats at the buffer's position, advancing it. */
  static void write(ImageDecoder.Rgb img, FloatBuffer out) {
    int size = Backbone.INPUT_SIZE;
    int inH = img.height();
    int inW = img.width();
    byte[] p = img.pixels();
    double rowRatio = (double) (inH - 1) / (size - 1);
    double colRatio = (double) (inW - 1) / (size - 1);
    int[] x0 = new int[size];
    int[] x1 = new int[size];
    double[] xf = new double[size];
    for (int c = 0; c < size; c++) {
      double src = colRatio * c;
      x0[c] = Math.max(0, (int) Math.floor(src));
      x1[c] = Math.min(inW - 1, (int) Math.ceil(src));
      xf[c] = src - x0[c];
    }
    for (int r = 0; r < size; r++) {
      double src = rowRatio * r;
      int y0 = Math.max(0, (int) Math.floor(src));
      int y1 = Math.min(inH - 1, (int) Math.ceil(src));
      double yf = src - y0;
      int top = y0 * inW * 3;
      int bottom = y1 * inW * 3;
      for (int c = 0; c < size; c++) {
        int l = x0[c] * 3;
        int rr = x1[c] * 3;
        for (int ch = 0; ch < 3; ch++) {
          double tl = UNIT[p[top + l + ch] & 0xff];
          double tr = UNIT[p[top + rr + ch] & 0xff];
          double bl = UNIT[p[bottom + l + ch] & 0xff];
          double br = UNIT[p[bottom + rr + ch] & 0xff];
          double t = tl + (tr - tl) * xf[c];
          double b = bl + (br - bl) * xf[c];
          out.put((float) (t + (b - t) * yf));
        }
      }
    }
  }
}
