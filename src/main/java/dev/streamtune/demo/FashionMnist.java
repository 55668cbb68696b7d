package dev.streamtune.demo;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * For {@code streamtune demo --fashion-mnist}, benchmarks and experiments: Fashion-MNIST from
 * Debian's {@code dataset-fashion-mnist} (IDX files), as 28×28 grey PNGs.
 */
public final class FashionMnist {
  /** Where Debian's package puts the IDX files. */
  public static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The ten classes, in label-index order. */
  public static final List<String> LABELS =
      List.of(
          "t-shirt",
          "trouser",
          "pullover",
          "dress",
          "coat",
          "sandal",
          "shirt",
          "sneaker",
          "bag",
          "ankle-boot");

  private FashionMnist() {}

  /** One image. */
  public record Item(byte[] png, String label) {}

  /** Whether Debian's {@code dataset-fashion-mnist} is installed. */
  public static boolean installed() {
    return Files.exists(DIR.resolve("train-images-idx3-ubyte.gz"));
  }

  /** The first {@code n} images of a split ({@code train} or {@code t10k}). */
  public static List<Item> read(String split, int n) throws IOException {
    List<Item> out = new ArrayList<>(n);
    try (DataInputStream images = open(split + "-images-idx3-ubyte.gz", 2051);
        DataInputStream labels = open(split + "-labels-idx1-ubyte.gz", 2049)) {
      int count = images.readInt();
      labels.readInt();
      int rows = images.readInt();
      int cols = images.readInt();
      byte[] pixels = new byte[rows * cols];
      for (int i = 0; i < Math.min(n, count); i++) {
        images.readFully(pixels);
        BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, cols, rows, pixels);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        out.add(new Item(png.toByteArray(), LABELS.get(labels.readUnsignedByte())));
      }
    }
    return out;
  }

  /**
   * Writes the first {@code trainPerClass} training images of each class to {@code
   * dir/train/label/} and the first {@code testPerClass} test images of each to {@code
   * dir/test/label/}, as PNGs.
   */
  public static void write(Path dir, int trainPerClass, int testPerClass) {
    try {
      writeSplit("train", dir.resolve("train"), trainPerClass);
      writeSplit("t10k", dir.resolve("test"), testPerClass);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot write Fashion-MNIST images to " + dir, e);
    }
  }

  private static void writeSplit(String split, Path dir, int perClass) throws IOException {
    java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    int limit = split.equals("train") ? 60_000 : 10_000;
    for (Item item : read(split, Math.min(limit, perClass * LABELS.size() * 2))) {
      int n = counts.merge(item.label(), 1, Integer::sum);
      if (n <= perClass) {
        Path folder = Files.createDirectories(dir.resolve(item.label()));
        Files.write(folder.resolve(String.format("%05d.png", n)), item.png());
      }
    }
  }

  private static DataInputStream open(String name, int magic) throws IOException {
    InputStream in = new GZIPInputStream(Files.newInputStream(DIR.resolve(name)), 1 << 16);
    DataInputStream d = new DataInputStream(in);
    if (d.readInt() != magic) {
      d.close();
      throw new IOException(name + " is not an IDX file with magic " + magic);
    }
    return d;
  }
}
