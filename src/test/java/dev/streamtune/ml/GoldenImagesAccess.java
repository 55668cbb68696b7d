package dev.streamtune.ml;

import java.awt.image.BufferedImage;
import java.util.Random;

/** Small images for decoder tests. */
final class GoldenImagesAccess {
  private GoldenImagesAccess() {}

  static BufferedImage noise(int w, int h) {
    Random r = new Random(7);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return img;
  }
}
