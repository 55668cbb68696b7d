package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer with a 512 MiB heap fine-tunes a {@code top} model whose cached cut activations are
 * larger than the heap (15,000 examples, 538 MiB of binary16 maps): the run's activations go to
 * local disk ({@link SpilledActivations}) and the cache is read one pack at a time. The path is
 * {@link TopRun} with real TensorFlow, in a child JVM ({@link SpillRound}).
 */
class SpilledTopIT {
  private static final int EXAMPLES = 15_000;

  @Test
  void aTopRunWhoseActivationsExceedTheHeapFitsA512MiBHeap(@TempDir Path tmp) throws Exception {
    Path png = tmp.resolve("image.png");
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        image.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 128);
      }
    }
    ImageIO.write(image, "png", png.toFile());
    Path log = tmp.resolve("round.log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                SpillRound.class.getName(),
                Integer.toString(EXAMPLES),
                tmp.resolve("work").toString(),
                png.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean finished = p.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log);
    assertThat(finished).as("the run finished within 10 minutes; its output:%n%s", out).isTrue();
    assertThat(p.exitValue()).as("the child's exit status; its output:%n%s", out).isZero();
    assertThat(out)
        .contains("trained " + EXAMPLES + " examples")
        .containsPattern("heap max \\d+ MiB, activations 5[3-9]\\d MiB");
  }
}
