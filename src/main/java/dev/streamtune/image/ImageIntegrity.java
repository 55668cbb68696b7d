package dev.streamtune.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Checks that an image file is whole without decoding it, in microseconds: a PNG's chunks up to
 * IEND with their CRCs, a JPEG's end-of-image marker, a BMP's declared size (a GIF's blocks are
 * walked by {@link GifFrames}, once for its frame count and its trailer). A truncated upload or a
 * damaged PNG is thus refused at ingest, before it is stored and before training trips over it.
 */
final class ImageIntegrity {
  private static final int JPEG_TAIL = 4096;

  private ImageIntegrity() {}

  /**
   * The damage found, or null for a whole file.
   *
   * @param format {@code png}, {@code jpeg} or {@code bmp}; other formats are not checked here
   */
  static String damage(String format, byte[] b) {
    return switch (format) {
      case "png" -> png(b);
      case "jpeg" -> jpeg(b);
      case "bmp" ->
          b.length >= 6
                  && Integer.toUnsignedLong(
                          ByteBuffer.wrap(b, 2, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())
                      > b.length
              ? "truncated: the BMP declares more bytes than it has"
              : null;
      default -> null;
    };
  }

  private static String png(byte[] b) {
    int p = 8;
    CRC32 crc = new CRC32();
    while (p + 12 <= b.length) {
      long length = Integer.toUnsignedLong(ByteBuffer.wrap(b, p, 4).getInt());
      if (length > b.length - p - 12) {
        return "truncated: a PNG chunk runs past the end of the file";
      }
      String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
      crc.reset();
      crc.update(b, p + 4, 4 + (int) length);
      int end = p + 8 + (int) length;
      if ((int) crc.getValue() != ByteBuffer.wrap(b, end, 4).getInt()) {
        return "corrupt: the CRC of PNG chunk " + type + " does not match";
      }
      if (type.equals("IEND")) {
        return null;
      }
      p = end + 4;
    }
    return "truncated: the PNG ends before its IEND chunk";
  }

  private static String jpeg(byte[] b) {
    for (int i = b.length - 2; i >= Math.max(2, b.length - JPEG_TAIL); i--) {
      if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xD9) {
        return null;
      }
    }
    return "truncated: the JPEG has no end-of-image marker";
  }
}
