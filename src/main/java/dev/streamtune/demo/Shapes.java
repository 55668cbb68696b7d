package dev.streamtune.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The demo's default dataset, generated in code so that it runs anywhere: eight classes of shapes
 * ({@link #LABELS}) in random colours on random gradient backgrounds, at random positions, scales
 * and rotations, some outlined instead of filled, behind clutter lines and pixel noise. Two classes
 * are close pairs (square and diamond differ only by a rotation of 45° within ±15°; ring and circle
 * by the hole), so a few examples do not suffice and accuracy climbs with data. Deterministic for a
 * seed; 96×96 PNGs of 5 to 15 KiB.
 */
public final class Shapes {
  /** The classes. */
  public static final List<String> LABELS =
      List.of("circle", "ring", "square", "diamond", "triangle", "star", "cross", "hexagon");

  private static final int SIZE = 96;

  private Shapes() {}

  /** One image of a class, as PNG bytes; the same (label, seed) gives the same bytes. */
  public static byte[] image(String label, long seed) {
    Random r = new Random(seed * 31 + LABELS.indexOf(label));
    BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(
        new GradientPaint(0, 0, randomColor(r, 150, 255), SIZE, SIZE, randomColor(r, 150, 255)));
    g.fillRect(0, 0, SIZE, SIZE);
    for (int i = 0; i < r.nextInt(4); i++) {
      g.setColor(randomColor(r, 90, 230));
      g.setStroke(new BasicStroke(1));
      g.drawLine(r.nextInt(SIZE), r.nextInt(SIZE), r.nextInt(SIZE), r.nextInt(SIZE));
    }
    double size = SIZE * (0.3 + 0.45 * r.nextDouble());
    double cx = size / 2 + r.nextDouble() * (SIZE - size);
    double cy = size / 2 + r.nextDouble() * (SIZE - size);
    double turn = label.equals("diamond") ? Math.PI / 4 : 0;
    double angle =
        turn
            + (label.equals("square") || label.equals("diamond")
                ? Math.toRadians(r.nextGaussian() * 7)
                : r.nextDouble() * 2 * Math.PI);
    AffineTransform at = new AffineTransform();
    at.translate(cx, cy);
    at.rotate(angle);
    at.scale(size / 2, size / 2);
    Shape shape = at.createTransformedShape(unit(label));
    g.setColor(randomColor(r, 0, 110));
    if (r.nextInt(6) == 0) {
      g.setStroke(new BasicStroke(2 + r.nextInt(3)));
      g.draw(shape);
    } else {
      g.fill(shape);
    }
    g.dispose();
    for (int i = 0; i < 150; i++) {
      img.setRGB(r.nextInt(SIZE), r.nextInt(SIZE), r.nextInt(1 << 24));
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return png.toByteArray();
  }

  /**
   * Writes {@code perClass} images of every class to {@code dir/label/NNNNN.png}, seeds {@code
   * firstSeed} on; returns {@code dir}.
   */
  public static Path write(Path dir, int perClass, long firstSeed) {
    try {
      for (String label : LABELS) {
        Path folder = Files.createDirectories(dir.resolve(label));
        for (int i = 0; i < perClass; i++) {
          Files.write(folder.resolve(String.format("%05d.png", i)), image(label, firstSeed + i));
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the shapes dataset to " + dir, e);
    }
  }

  private static Color randomColor(Random r, int lo, int hi) {
    return new Color(lo + r.nextInt(hi - lo), lo + r.nextInt(hi - lo), lo + r.nextInt(hi - lo));
  }

  /** The class's outline around the origin, within the unit circle. */
  private static Shape unit(String label) {
    return switch (label) {
      case "circle" -> new Ellipse2D.Double(-1, -1, 2, 2);
      case "ring" -> {
        Area a = new Area(new Ellipse2D.Double(-1, -1, 2, 2));
        a.subtract(new Area(new Ellipse2D.Double(-0.55, -0.55, 1.1, 1.1)));
        yield a;
      }
      case "square", "diamond" -> new Rectangle2D.Double(-0.7, -0.7, 1.4, 1.4);
      case "triangle" -> polygon(3, 1, 1);
      case "star" -> polygon(5, 1, 0.42);
      case "hexagon" -> polygon(6, 1, 1);
      case "cross" -> {
        Area a = new Area(new Rectangle2D.Double(-1, -0.3, 2, 0.6));
        a.add(new Area(new Rectangle2D.Double(-0.3, -1, 0.6, 2)));
        yield a;
      }
      default -> throw new IllegalArgumentException("No shape " + label + "; classes: " + LABELS);
    };
  }

  private static Shape polygon(int points, double outer, double inner) {
    Path2D.Double p = new Path2D.Double();
    int corners = inner == outer ? points : points * 2;
    for (int i = 0; i < corners; i++) {
      double radius = inner == outer || i % 2 == 0 ? outer : inner;
      double a = -Math.PI / 2 + i * 2 * Math.PI / corners;
      if (i == 0) {
        p.moveTo(radius * Math.cos(a), radius * Math.sin(a));
      } else {
        p.lineTo(radius * Math.cos(a), radius * Math.sin(a));
      }
    }
    p.closePath();
    return p;
  }
}
