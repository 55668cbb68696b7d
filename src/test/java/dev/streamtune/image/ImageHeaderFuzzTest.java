package dev.streamtune.image;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the image checks ingest runs on every example ({@link ImageDecoder#probe}: magic bytes,
 * header, pixel and frame limits, file integrity): whatever the bytes, they yield the header's
 * facts or an {@link ImageDecodeException} with a reason; any other exception, a hang or running
 * out of memory is a finding. {@code JAZZER_FUZZ=1 mvn test -Dtest=ImageHeaderFuzzTest} fuzzes for
 * {@code maxDuration}; without it the seeds under {@code
 * src/test/resources/dev/streamtune/ml/ImageHeaderFuzzTestInputs/} run as a regression test.
 */
class ImageHeaderFuzzTest {
  private static final ImageDecoder DECODER = new ImageDecoder(40_000_000);

  @FuzzTest(maxDuration = "60s")
  void probesOrRefusesWithAReason(byte[] data) {
    try {
      DECODER.probe(data);
    } catch (ImageDecodeException expected) {
      // refused with a reason
    }
  }
}
