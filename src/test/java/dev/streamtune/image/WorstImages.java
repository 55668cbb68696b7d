package dev.streamtune.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;

/**
 * The worst images the ingest limits admit, for memory tests: single-colour images at the pixel
 * limit, a few hundred KB each but hundreds of MB once decoded at full size, and incompressible
 * noise at the byte limit. PNGs are written row by row, so making one holds no full raster.
 */
public final class WorstImages {
  private WorstImages() {}

  /**
   * A single-colour PNG streamed row by row.
   *
   * @param bitDepth 8 or 16
   * @param colourType 2 (RGB) or 6 (RGBA)
   */
  public static byte[] flatPng(int width, int height, int bitDepth, int colourType) {
    int channels = colourType == 6 ? 4 : 3;
    byte[] row = new byte[1 + width * channels * bitDepth / 8];
    for (int i = 1; i < row.length; i++) {
      row[i] = (byte) (0x40 + i % 7);
    }
    return png(width, height, bitDepth, colourType, Deflater.BEST_COMPRESSION, y -> row);
  }

  /** An RGB PNG of random pixels: incompressible, so its file is as large as its pixels. */
  public static byte[] noisePng(int width, int height, long seed) {
    Random random = new Random(seed);
    byte[] row = new byte[1 + width * 3];
    return png(
        width,
        height,
        8,
        2,
        Deflater.BEST_SPEED,
        y -> {
          random.nextBytes(row);
          row[0] = 0;
          return row;
        });
  }

  /** A single-colour RGB baseline JPEG. */
  public static byte[] flatJpeg(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Arrays.fill(((DataBufferByte) img.getRaster().getDataBuffer()).getData(), (byte) 0x5a);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "jpeg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private interface Rows {
    byte[] row(int y);
  }

  private static byte[] png(
      int width, int height, int bitDepth, int colourType, int level, Rows rows) {
    try {
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      Deflater deflater = new Deflater(level);
      try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
        for (int y = 0; y < height; y++) {
          byte[] row = rows.row(y);
          row[0] = 0;
          z.write(row);
        }
      } finally {
        deflater.end();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(idat.size() + 64);
      DataOutputStream d = new DataOutputStream(out);
      d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(ihdr);
      h.writeInt(width);
      h.writeInt(height);
      h.write(new byte[] {(byte) bitDepth, (byte) colourType, 0, 0, 0});
      chunk(d, "IHDR", ihdr.toByteArray());
      chunk(d, "IDAT", idat.toByteArray());
      chunk(d, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.writeInt(data.length);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }
}
