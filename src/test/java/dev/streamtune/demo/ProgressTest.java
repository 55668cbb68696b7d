package dev.streamtune.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.TopicTail;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void withoutATerminalTheBarIsPlainLinesAtEachTenth() {
    StringWriter text = new StringWriter();
    try (Progress p = new Progress("produce pets", 20, new PrintWriter(text), false)) {
      for (int i = 0; i < 20; i++) {
        p.step();
      }
    }
    assertThat(text.toString())
        .doesNotContain("\r")
        .doesNotContain("\u001b")
        .startsWith("produce pets: 2/20 (10%)" + System.lineSeparator())
        .contains("produce pets: 10/20 (50%)")
        .endsWith("produce pets: 20/20 (100%)" + System.lineSeparator());
    assertThat(text.toString().lines()).hasSize(10);
  }

  @Test
  void theTrainersStatusLinesBecomeBarsOfBackbonePassesAndEpochsAndAnUploadLine() {
    StringWriter text = new StringWriter();
    try (StatusConsole console = new StatusConsole(new PrintWriter(text), false)) {
      console.accept(
          line("{\"source\":\"ingest\",\"modelId\":\"m\",\"newExamples\":3,\"threshold\":10}"));
      for (int n = 0; n <= 100; n += 25) {
        console.accept(
            line(
                "{\"source\":\"trainer\",\"modelId\":\"m\",\"version\":2,\"phase\":\"features\",\"step\":"
                    + n
                    + ",\"of\":100}"));
      }
      for (int e = 0; e <= 5; e++) {
        console.accept(
            line(
                "{\"source\":\"trainer\",\"modelId\":\"m\",\"version\":2,\"phase\":\"training\",\"step\":"
                    + e
                    + ",\"of\":5}"));
      }
      console.accept(
          line(
              "{\"source\":\"trainer\",\"modelId\":\"m\",\"version\":2,\"phase\":\"upload\",\"step\":0,\"of\":0}"));
      console.accept(line("not json"));
    }
    assertThat(text.toString())
        .doesNotContain("\r")
        .contains("m v2 backbone passes: 100/100 (100%)")
        .contains("m v2 epochs: 5/5 (100%)")
        .contains("m v2 uploading artifacts")
        .doesNotContain("newExamples");
  }

  private static TopicTail.Entry line(String json) {
    return new TopicTail.Entry(
        "m", json.getBytes(StandardCharsets.UTF_8), Map.of(), Instant.EPOCH, 0, 0);
  }
}
