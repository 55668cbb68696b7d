package dev.streamtune.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the full decode the trainer and serve run on every image ({@link ImageDecoder#decode}),
 * not only ingest's header checks ({@link ImageHeaderFuzzTest}): whatever the bytes, they decode to
 * RGB of the size their header declares or are refused with an {@link ImageDecodeException} and a
 * reason, which is what lets the trainer quarantine a bad example instead of failing its run; any
 * other exception, a hang or running out of memory is a finding. {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=ImageDecodeFuzzTest} fuzzes for {@code maxDuration}; without it the seeds under {@code
 * src/test/resources/dev/streamtune/ml/ImageDecodeFuzzTestInputs/} (a JPEG, a JPEG cut in the
 * middle but ending with its end marker, a PNG with damaged pixel data under valid CRCs, 8- and
 * 16-bit grey PNGs, and ingest's PNG, GIF and BMP seeds) run as a regression test.
 */
class ImageDecodeFuzzTest {
  private static final ImageDecoder DECODER = new ImageDecoder(1_000_000);

  @FuzzTest(maxDuration = "60s")
  void decodesOrRefusesWithAReason(byte[] data) {
    ImageDecoder.Rgb rgb;
    try {
      rgb = DECODER.decode(data);
    } catch (ImageDecodeException expected) {
      assertThat(expected.kind()).isNotNull();
      return;
    }
    assertThat(rgb.pixels()).hasSize(rgb.width() * rgb.height() * 3);
  }
}
