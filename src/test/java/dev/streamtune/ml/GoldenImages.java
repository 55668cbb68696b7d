package dev.streamtune.ml;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The images of the TF.js cross-check, all lossless PNG so both sides decode identical pixels:
 * synthetic recipes drawn pixel by pixel (no anti-aliasing, so every JDK draws them the same), and
 * real photographs from scikit-image's sample data ({@code tools/test-photos/fetch.sh}).
 */
final class GoldenImages {
  /** The photos, fetched by the build into this directory. */
  static final Path PHOTOS =
      Path.of(System.getProperty("streamtune.test.photos", "target/test-photos"));

  private GoldenImages() {}

  /** Every image, by file name, in a fixed order. */
  static Map<String, byte[]> all() {
    Map<String, byte[]> out = new LinkedHashMap<>(synthetic());
    for (String photo : new String[] {"astronaut.png", "chelsea.png", "coffee.png", "camera.png"}) {
      try {
        out.put(photo, Files.readAllBytes(PHOTOS.resolve(photo)));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Missing test photo "
                + PHOTOS.resolve(photo)
                + ": run tools/test-photos/fetch.sh "
                + PHOTOS
                + " (mvn does it in generate-test-resources)",
            e);
      }
    }
    return out;
  }

  /** The synthetic recipes. */
  static Map<String, byte[]> synthetic() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put(
        "gradient.png",
        png(rgb(320, 240, (x, y) -> rgb(x * 255 / 319, y * 255 / 239, (x + y) * 255 / 558))));
    out.put(
        "checker.png",
        png(rgb(97, 61, (x, y) -> ((x / 8 + y / 8) % 2 == 0) ? 0xffffff : 0x202080)));
    out.put("one.png", png(rgb(1, 1, (x, y) -> 0x3c8dbc)));
    out.put("shapes.png", png(rgb(300, 300, GoldenImages::shapes)));
    Random noise = new Random(42);
    out.put("noise-224.png", png(rgb(224, 224, (x, y) -> noise.nextInt(1 << 24))));
    out.put(
        "plasma.png",
        png(
            rgb(
                1024,
                768,
                (x, y) ->
                    rgb(
                        (int) (127.5 + 127.5 * Math.sin(x / 37.0 + Math.cos(y / 53.0))),
                        (int) (127.5 + 127.5 * Math.sin(y / 29.0 + x / 91.0)),
                        (int) (127.5 + 127.5 * Math.cos((x + y) / 61.0))))));
    out.put("grey.png", png(grey(150, 200)));
    out.put("alpha.png", png(alpha(128, 128)));
    out.put("thin.png", png(rgb(640, 9, (x, y) -> rgb(x % 256, (x * 7) % 256, y * 28))));
    return out;
  }

  private interface Pixel {
    int at(int x, int y);
  }

  private static int rgb(int r, int g, int b) {
    return (r & 0xff) << 16 | (g & 0xff) << 8 | (b & 0xff);
  }

  private static int shapes(int x, int y) {
    int dx = x - 100;
    int dy = y - 110;
    if (dx * dx + dy * dy < 60 * 60) {
      return 0xe03030;
    }
    if (x > 170 && x < 270 && y > 40 && y < 140) {
      return 0x30a040;
    }
    if (y > 180 && y < 280 && Math.abs(x - 200) < (y - 180)) {
      return 0x3050e0;
    }
    return 0xf0f0e8;
  }

  private static BufferedImage rgb(int w, int h, Pixel p) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, p.at(x, y));
      }
    }
    return img;
  }

  private static BufferedImage grey(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, (x * 3 + y * 5) % 256);
      }
    }
    return img;
  }

  private static BufferedImage alpha(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int a = 1 + (x + y) % 255;
        img.setRGB(x, y, a << 24 | rgb(x * 2, 255 - y * 2, 128));
      }
    }
    return img;
  }

  static byte[] png(BufferedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
