package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.image.WorstImages;
import dev.streamtune.ingest.IngestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's memory is bounded by its configuration, not by its images: the trainer's
 * feature-gathering path ({@link WorstRound}: {@link Gather} and the backbone's feature extractor,
 * with the default settings) runs in a child JVM with a 1 GiB heap over the worst images the
 * default ingest limits admit, and completes.
 */
class MemoryBoundIT {
  private static final IngestConfig LIMITS = IngestConfig.defaults();

  /**
   * Images at the pixel limit, a few hundred KB each: 16-bit RGBA and 8-bit RGB PNGs and a JPEG,
   * 8000×5000 = the default 40 MP. Decoded at full size they take 320 MB, 120 MB and 120 MB of
   * raster each, plus the RGB copy; 24 of them, two batches of 8 at once.
   */
  @Test
  void theWorstDecodedImagesFitA1GiBHeap(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("images"));
    int w = 8000;
    int h = (int) (LIMITS.maxPixels() / w);
    Files.write(dir.resolve("a-rgba16.png"), WorstImages.flatPng(w, h, 16, 6));
    Files.write(dir.resolve("b-rgb8.png"), WorstImages.flatPng(w, h, 8, 2));
    Files.write(dir.resolve("c-rgb.jpg"), WorstImages.flatJpeg(w, h));
    java.util.List<Path> written;
    try (var listed = Files.list(dir)) {
      written = listed.toList();
    }
    for (Path p : written) {
      assertThat(Files.size(p))
          .as(p + " is within the byte limit")
          .isLessThanOrEqualTo(LIMITS.maxImageBytes());
    }
    assertThat(round(dir, 8)).contains("gathered 24");
  }

  /**
   * Incompressible images at the byte limit (the default 10 MiB), 104 of them in one round: over 1
   * GiB if a round holds them all.
   */
  @Test
  void aRoundOfImagesAtTheByteLimitFitsA1GiBHeap(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("images"));
    int side = (int) Math.sqrt((LIMITS.maxImageBytes() - 4096) / 3.0);
    Files.write(dir.resolve("noise.png"), WorstImages.noisePng(side, side, 7));
    assertThat(Files.size(dir.resolve("noise.png")))
        .isLessThanOrEqualTo(LIMITS.maxImageBytes())
        .isGreaterThan(LIMITS.maxImageBytes() * 9 / 10);
    assertThat(round(dir, 104)).contains("gathered 104");
  }

  private static String round(Path images, int copies) throws IOException, InterruptedException {
    Path log = images.resolveSibling("round.log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                WorstRound.class.getName(),
                images.toString(),
                Integer.toString(copies))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean finished = p.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log);
    assertThat(finished).as("the round finished within 10 minutes; its output:%n%s", out).isTrue();
    assertThat(p.exitValue()).as("the child's exit status; its output:%n%s", out).isZero();
    return out;
  }
}
