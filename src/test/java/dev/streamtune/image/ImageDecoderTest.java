package dev.streamtune.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.image.ImageDecodeException.Reason;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder(40_000_000);

  @Test
  void decodesEachSupportedFormatToRgb() throws IOException {
    BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0x102030);
    for (String format : new String[] {"png", "bmp", "gif", "jpeg"}) {
      ImageDecoder.Rgb rgb = decoder.decode(TestImages.encode(img, format));
      assertThat(rgb.width()).as(format).isEqualTo(4);
      assertThat(rgb.height()).isEqualTo(3);
      assertThat(rgb.pixels()).hasSize(4 * 3 * 3);
    }
    ImageDecoder.Rgb png = decoder.decode(TestImages.encode(img, "png"));
    assertThat(Arrays.copyOf(png.pixels(), 3)).containsExactly(0x10, 0x20, 0x30);
  }

  @Test
  void greyIsReplicatedWithoutColourConversion() throws IOException {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 100);
    grey.getRaster().setSample(1, 0, 0, 200);
    assertThat(decoder.decode(TestImages.encode(grey, "png")).pixels())
        .containsExactly(100, 100, 100, (byte) 200, (byte) 200, (byte) 200);
  }

  @Test
  void alphaIsDroppedNotComposited() throws IOException {
    BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x40ff8000);
    assertThat(decoder.decode(TestImages.encode(argb, "png")).pixels())
        .containsExactly((byte) 0xff, (byte) 0x80, 0);
  }

  @Test
  void aOneByOneImageDecodes() throws IOException {
    BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    assertThat(decoder.decode(TestImages.encode(one, "png")).pixels()).hasSize(3);
  }

  @Test
  void aLargeImageDecodesSubsampledToABoundedSizeWithoutItsFullRaster() {
    ImageDecoder.Rgb rgb = decoder.decode(WorstImages.flatPng(8000, 5000, 16, 6));
    for (int side : new int[] {rgb.width(), rgb.height()}) {
      assertThat(side).isBetween(ImageDecoder.DECODE_SIDE, 2 * ImageDecoder.DECODE_SIDE - 1);
    }
    assertThat(rgb.width()).isEqualTo(1000);
    assertThat(rgb.height()).isEqualTo(1000);
    assertThat(rgb.pixels()).hasSize(1000 * 1000 * 3);
    byte[] jpeg = WorstImages.flatJpeg(6000, 1000);
    ImageDecoder.Rgb j = decoder.decode(jpeg);
    assertThat(j.width()).isEqualTo(ImageDecoder.kept(6000, 6)).isEqualTo(1000);
    assertThat(j.height()).isEqualTo(1000);
  }

  @Test
  void subsampledPixelsAreTheSourcePixelsOnACentredGrid() throws IOException {
    BufferedImage img = new BufferedImage(2700, 1800, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        img.setRGB(x, y, (x & 0xff) << 16 | (y & 0xff) << 8 | (x >> 8) << 4 | (y >> 8));
      }
    }
    ImageDecoder.Rgb rgb = decoder.decode(TestImages.encode(img, "png"));
    assertThat(rgb.width()).isEqualTo(900);
    assertThat(rgb.height()).isEqualTo(900);
    for (int j = 0; j < rgb.height(); j += 37) {
      for (int i = 0; i < rgb.width(); i += 41) {
        int o = (j * rgb.width() + i) * 3;
        int sx = 1 + 3 * i;
        int sy = 2 * j;
        assertThat(
                new int[] {
                  rgb.pixels()[o] & 0xff, rgb.pixels()[o + 1] & 0xff, rgb.pixels()[o + 2] & 0xff
                })
            .as("pixel %d,%d", i, j)
            .containsExactly(sx & 0xff, sy & 0xff, (sx >> 8) << 4 | (sy >> 8));
      }
    }
  }

  @Test
  void imagesUnderTwiceTheInputSizeDecodeAtFullSize() throws IOException {
    ImageDecoder.Rgb rgb =
        decoder.decode(
            TestImages.encode(
                new BufferedImage(
                    2 * ImageDecoder.DECODE_SIDE - 1, 300, BufferedImage.TYPE_INT_RGB),
                "png"));
    assertThat(rgb.width()).isEqualTo(2 * ImageDecoder.DECODE_SIDE - 1);
    assertThat(rgb.height()).isEqualTo(300);
  }

  @Test
  void aDecodeTakesItsPixelsFromTheBudgetAndGivesThemBack() throws IOException {
    DecodeBudget budget = DecodeBudget.of(1_000_000);
    ImageDecoder.Rgb rgb =
        new ImageDecoder(40_000_000, budget).decode(WorstImages.flatPng(4000, 3000, 8, 2));
    assertThat(rgb.width()).isEqualTo(ImageDecoder.kept(4000, 4)).isEqualTo(1000);
    assertThat(budget.available()).isEqualTo(1_000_000);
  }

  @Test
  void zeroBytesAreEmpty() {
    assertReason(new byte[0], Reason.EMPTY);
  }

  @Test
  void truncatedJpegIsCorrupt() throws IOException {
    byte[] jpeg = TestImages.encode(TestImages.noise(64, 64), "jpeg");
    assertReason(Arrays.copyOf(jpeg, jpeg.length / 2), Reason.CORRUPT);
  }

  /**
   * What the trainer quarantines (issue 18): a JPEG cut in the middle of its scan but ending with
   * FFD9 passes the header and end-marker checks ingest runs, and only the full decode refuses it.
   */
  @Test
  void aJpegCutMidScanButEndingWithItsMarkerPassesTheProbeAndFailsTheDecode() throws IOException {
    byte[] jpeg = TestImages.encode(TestImages.noise(64, 64), "jpeg");
    byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2 + 2);
    cut[cut.length - 2] = (byte) 0xFF;
    cut[cut.length - 1] = (byte) 0xD9;
    assertThat(decoder.probe(cut).format()).isEqualTo("jpeg");
    assertReason(cut, Reason.CORRUPT);
  }

  /** Likewise a PNG whose compressed pixel data is damaged under valid chunk CRCs. */
  @Test
  void aPngWithDamagedPixelDataUnderValidCrcsPassesTheProbeAndFailsTheDecode() throws IOException {
    byte[] png = TestImages.encode(TestImages.noise(64, 64), "png");
    int p = 8;
    while (!new String(png, p + 4, 4, StandardCharsets.ISO_8859_1).equals("IDAT")) {
      p += 12 + java.nio.ByteBuffer.wrap(png, p, 4).getInt();
    }
    int length = java.nio.ByteBuffer.wrap(png, p, 4).getInt();
    for (int i = 0; i < 16; i++) {
      png[p + 8 + length / 2 + i] ^= 0x5A;
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(png, p + 4, 4 + length);
    java.nio.ByteBuffer.wrap(png, p + 8 + length, 4).putInt((int) crc.getValue());
    assertThat(decoder.probe(png).format()).isEqualTo("png");
    assertReason(png, Reason.CORRUPT);
  }

  @Test
  void truncatedPngIsCorrupt() throws IOException {
    byte[] png = TestImages.encode(TestImages.noise(64, 64), "png");
    assertReason(Arrays.copyOf(png, png.length / 2), Reason.CORRUPT);
    assertReason(Arrays.copyOf(png, 20), Reason.CORRUPT);
  }

  @Test
  void hugeImagesAreRefusedFromTheHeaderBeforeDecoding() {
    assertThatThrownBy(() -> decoder.decode(PngHeaders.declaring(10_000, 10_000)))
        .isInstanceOfSatisfying(
            ImageDecodeException.class, e -> assertThat(e.kind()).isEqualTo(Reason.TOO_LARGE))
        .hasMessageContaining("10000x10000")
        .hasMessageContaining("40000000");
    assertReason(PngHeaders.declaring(50_000, 50_000), Reason.TOO_LARGE);
  }

  @Test
  void thePixelLimitIsConfigurable() throws IOException {
    byte[] img = TestImages.encode(new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB), "png");
    assertThat(new ImageDecoder(10_000).decode(img).width()).isEqualTo(100);
    assertThatThrownBy(() -> new ImageDecoder(9_999).decode(img))
        .isInstanceOfSatisfying(
            ImageDecodeException.class, e -> assertThat(e.kind()).isEqualTo(Reason.TOO_LARGE));
  }

  @Test
  void otherFormatsAndRandomBytesAreUnsupported() throws IOException {
    assertReason(
        TestImages.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "tiff"),
        Reason.UNSUPPORTED_FORMAT);
    assertReason(
        "definitely not an image".getBytes(StandardCharsets.UTF_8), Reason.UNSUPPORTED_FORMAT);
    assertReason(
        new byte[] {0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50},
        Reason.UNSUPPORTED_FORMAT);
  }

  private void assertReason(byte[] bytes, Reason reason) {
    assertThatThrownBy(() -> decoder.decode(bytes))
        .isInstanceOfSatisfying(
            ImageDecodeException.class, e -> assertThat(e.kind()).isEqualTo(reason));
  }
}
