package dev.streamtune.image;

import dev.streamtune.image.ImageDecodeException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG, PNG, GIF (first frame) and BMP with ImageIO into 8-bit RGB, the way TF.js sees an
 * image: alpha is dropped (not composited), grey is replicated to three channels, and the stored
 * sample values are used as they are, with no colour-space conversion.
 *
 * <p>The pixel count is read from the header and checked against the limit before any pixel is
 * decoded, so a small file declaring a huge image costs nothing. Decoder warnings (such as a JPEG
 * that ends early) are errors; an {@link Error} the reader wraps (such as an {@link
 * OutOfMemoryError} inside an {@code IIOException}) is rethrown as it is, never blamed on the
 * image. Thread-safe.
 *
 * <p>Memory is bounded by the settings, not by the image: {@link #decode} subsamples a large image
 * while it is read (ImageIO reads rows and keeps every n-th pixel; the full raster is never
 * allocated) to between {@value #DECODE_SIDE} and twice that per side, which is all the network's
 * 224×224 resize needs, and every decode first takes its pixels from a {@link DecodeBudget} shared
 * across threads.
 */
public final class ImageDecoder {
  /**
   * The most frames a GIF may have: only the first is decoded, so longer animations are refused.
   */
  public static final int MAX_GIF_FRAMES = 500;

  /**
   * The least pixels per side a subsampled decode keeps: four times the network's input of 224
   * ({@code ml.Backbone.INPUT_SIZE}, checked by {@code ml.DecodeSettingsTest}; a bilinear resize to
   * 224 reads at most two source pixels per output pixel on each axis, 448). Images under twice
   * this decode at full size, exactly as TF.js sees them.
   */
  public static final int DECODE_SIDE = 4 * 224;

  private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp");
  private final long maxPixels;
  private final DecodeBudget budget;
  private final int decodeSide;

  /** An image as 8-bit RGB, row-major, 3 bytes a pixel. */
  public record Rgb(int width, int height, byte[] pixels) {}

  /**
   * A decoder sharing the process's default decode budget ({@link DecodeBudget#defaultPixels}).
   *
   * @param maxPixels the most pixels (width × height) an image may have
   */
  public ImageDecoder(long maxPixels) {
    this(maxPixels, DecodeBudget.shared(DecodeBudget.defaultPixels()));
  }

  /**
   * @param maxPixels the most pixels (width × height) an image may have
   * @param budget the pixels decodes may hold at once, shared with other decoders
   */
  public ImageDecoder(long maxPixels, DecodeBudget budget) {
    this(maxPixels, budget, DECODE_SIDE);
  }

  /**
   * A decoder keeping at least {@code decodeSide} pixels a side; tests measure subsampling with it.
   */
  public ImageDecoder(long maxPixels, DecodeBudget budget, int decodeSide) {
    if (maxPixels < 1 || decodeSide < 1) {
      throw new IllegalArgumentException("maxPixels and decodeSide must be positive");
    }
    this.maxPixels = maxPixels;
    this.budget = budget;
    this.decodeSide = decodeSide;
  }

  /**
   * What an image's header says: its format (by magic bytes) and size.
   *
   * @param format {@code png}, {@code jpeg}, {@code gif} or {@code bmp}
   * @param width pixels across
   * @param height pixels down
   */
  public record Info(String format, int width, int height) {
    /** The file extension for the format. */
    public String extension() {
      return ImageDecoder.extension(format);
    }
  }

  /**
   * The file extension for a format name this decoder reports, such as {@code jpg} for {@code
   * jpeg}.
   */
  public static String extension(String format) {
    return format.equals("jpeg") ? "jpg" : format;
  }

  /**
   * Reads the format and size from the header alone, checking the pixel limit and, for a GIF, the
   * frame limit, and checks that the file is whole ({@link ImageIntegrity}: chunk CRCs and end
   * markers); decodes no pixels, so a decompression bomb costs nothing.
   *
   * @throws ImageDecodeException with the reason when the bytes cannot be used
   */
  public Info probe(byte[] bytes) {
    return withReader(
        bytes,
        "unreadable image header",
        true,
        reader ->
            new Info(
                reader.getFormatName().toLowerCase(Locale.ROOT),
                reader.getWidth(0),
                reader.getHeight(0)));
  }

  /**
   * Decodes an image for the network: a side under {@code 2 × DECODE_SIDE} pixels at full size, a
   * longer one subsampled while it is read by the integer factor that keeps at least {@value
   * #DECODE_SIDE} pixels (so under twice that), on a grid centred in the image; the full raster is
   * never allocated. Waits for the decode's pixels from the budget.
   *
   * <p>A subsampled image is resized from the kept pixels, not from all of them, so its features
   * differ slightly from TF.js's, which resizes the full image (see docs/ml.md for the measured
   * effect); images under {@code 2 × DECODE_SIDE} a side are unaffected.
   *
   * @throws ImageDecodeException with the reason when the bytes cannot be used
   */
  public Rgb decode(byte[] bytes) {
    return withReader(
        bytes,
        "the image does not decode",
        false,
        reader -> {
          reader.addIIOReadWarningListener(
              (source, warning) -> {
                throw new ImageDecodeException(Reason.CORRUPT, warning, null);
              });
          int w = reader.getWidth(0);
          int h = reader.getHeight(0);
          int fx = Math.max(1, w / decodeSide);
          int fy = Math.max(1, h / decodeSide);
          ImageReadParam param = reader.getDefaultReadParam();
          param.setSourceSubsampling(fx, fy, grid(w, fx), grid(h, fy));
          long cost = (long) kept(w, fx) * kept(h, fy) + 2L * w;
          try (DecodeBudget.Lease lease = budget.take(cost)) {
            return rgb(reader.read(0, param));
          }
        });
  }

  /** The first pixel kept, so the kept grid is centred: as many pixels left over at each end. */
  static int grid(int side, int factor) {
    return (side - 1) % factor / 2;
  }

  /** The pixels kept on a side. */
  static int kept(int side, int factor) {
    return (side - 1 - grid(side, factor)) / factor + 1;
  }

  private interface ReaderCall<T> {
    T apply(ImageReader reader) throws IOException;
  }

  /**
   * Opens a reader on the bytes, checks the pixel count from the header and a GIF's frame count,
   * and, when {@code whole}, that the file is whole (one walk of a GIF's blocks serves both), then
   * runs {@code call}.
   */
  private <T> T withReader(byte[] bytes, String failure, boolean whole, ReaderCall<T> call) {
    if (bytes == null || bytes.length == 0) {
      throw new ImageDecodeException(Reason.EMPTY, "the image has no bytes", null);
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      ImageReader reader = readerFor(in);
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w * h > maxPixels) {
          throw new ImageDecodeException(
              Reason.TOO_LARGE,
              w + "x" + h + " is " + (w * h) + " pixels, over the limit of " + maxPixels,
              null);
        }
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        String damage = null;
        if (format.equals("gif")) {
          GifFrames.Walk walk = GifFrames.walk(bytes, MAX_GIF_FRAMES);
          if (walk.frames() > MAX_GIF_FRAMES) {
            throw new ImageDecodeException(
                Reason.TOO_MANY_FRAMES,
                "the GIF has more than "
                    + MAX_GIF_FRAMES
                    + " frames; only the first is used, so animations that long are refused",
                null);
          }
          damage =
              walk.complete()
                  ? null
                  : "truncated or damaged: the GIF's blocks end before its trailer";
        } else if (whole) {
          damage = ImageIntegrity.damage(format, bytes);
        }
        if (whole && damage != null) {
          throw new ImageDecodeException(Reason.CORRUPT, damage, null);
        }
        return call.apply(reader);
      } finally {
        reader.dispose();
      }
    } catch (ImageDecodeException | DecodeBudget.Interrupted e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        if (c instanceof Error error) {
          throw error;
        }
      }
      throw new ImageDecodeException(Reason.CORRUPT, failure + ": " + e.getMessage(), e);
    }
  }

  private static ImageReader readerFor(ImageInputStream in) {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    while (readers.hasNext()) {
      ImageReader r = readers.next();
      try {
        if (FORMATS.contains(r.getFormatName().toLowerCase(Locale.ROOT))) {
          return r;
        }
      } catch (IOException e) {
        r.dispose();
        throw new ImageDecodeException(Reason.CORRUPT, "unreadable header: " + e.getMessage(), e);
      }
      r.dispose();
    }
    throw new ImageDecodeException(
        Reason.UNSUPPORTED_FORMAT, "not a JPEG, PNG, GIF or BMP image (by its magic bytes)", null);
  }

  private static Rgb rgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    byte[] out = new byte[w * h * 3];
    Raster raster = img.getRaster();
    if (img.getColorModel() instanceof ComponentColorModel cm && cm.getNumColorComponents() == 1
        || img.getColorModel() instanceof ComponentColorModel
            && raster.getSampleModel().getSampleSize(0) == 16) {
      readSamples(img, raster, out);
      return new Rgb(w, h, out);
    }
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
        int p = row[x];
        out[o] = (byte) (p >> 16);
        out[o + 1] = (byte) (p >> 8);
        out[o + 2] = (byte) p;
      }
    }
    return new Rgb(w, h, out);
  }

  /** Raw samples of grey or 16-bit images, without the colour conversion getRGB applies. */
  private static void readSamples(BufferedImage img, Raster raster, byte[] out) {
    int w = img.getWidth();
    int h = img.getHeight();
    boolean grey = img.getColorModel().getNumColorComponents() == 1;
    boolean wide = raster.getSampleModel().getSampleSize(0) == 16;
    int[] px = new int[raster.getNumBands()];
    for (int y = 0; y < h; y++) {
      for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
        raster.getPixel(x, y, px);
        for (int c = 0; c < 3; c++) {
          int v = px[grey ? 0 : c];
          out[o + c] = (byte) (wide ? (v * 255 + 32767) / 65535 : v);
        }
      }
    }
  }
}
