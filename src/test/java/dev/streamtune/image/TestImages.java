package dev.streamtune.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small images for decoder tests: seeded noise, encoded with ImageIO. */
public final class TestImages {
  private TestImages() {}

  /** Seeded RGB noise. */
  public static BufferedImage noise(int w, int h) {
    Random r = new Random(7);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return img;
  }

  /** The image in {@code format}, through ImageIO (alpha dropped for formats without it). */
  public static byte[] encode(BufferedImage img, String format) throws IOException {
    BufferedImage src = img;
    if (!format.equals("png") && img.getType() == BufferedImage.TYPE_INT_ARGB) {
      src = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
      src.getGraphics().drawImage(img, 0, 0, null);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(src, format, out)) {
      throw new IOException("no writer for " + format);
    }
    return out.toByteArray();
  }
}
