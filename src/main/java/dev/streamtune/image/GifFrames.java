package dev.streamtune.image;

/**
 * Walks a GIF's block structure without decoding any pixels (GIF89a: header, logical screen
 * descriptor, global colour table, then extensions, image descriptors and the trailer): how many
 * frames it has, and whether it reaches its trailer.
 */
final class GifFrames {
  private GifFrames() {}

  /**
   * What the walk found.
   *
   * @param frames image descriptors seen (the walk stops past the limit)
   * @param complete whether the trailer was reached
   */
  record Walk(int frames, boolean complete) {}

  /** Walks the blocks; counting stops past {@code limit}. */
  static Walk walk(byte[] b, int limit) {
    int p = 13;
    if (b.length < p) {
      return new Walk(0, false);
    }
    if ((b[10] & 0x80) != 0) {
      p += 3 << ((b[10] & 0x07) + 1);
    }
    int frames = 0;
    while (p < b.length && frames <= limit) {
      int block = b[p] & 0xff;
      if (block == 0x3B) {
        return new Walk(frames, true);
      } else if (block == 0x21) {
        p = skipSubBlocks(b, p + 2);
      } else if (block == 0x2C) {
        frames++;
        if (p + 10 > b.length) {
          break;
        }
        int flags = b[p + 9] & 0xff;
        p += 10;
        if ((flags & 0x80) != 0) {
          p += 3 << ((flags & 0x07) + 1);
        }
        p = skipSubBlocks(b, p + 1);
      } else {
        break;
      }
    }
    return new Walk(frames, false);
  }

  private static int skipSubBlocks(byte[] b, int p) {
    while (p < b.length) {
      int size = b[p] & 0xff;
      p += 1 + size;
      if (size == 0) {
        break;
      }
    }
    return p;
  }
}
