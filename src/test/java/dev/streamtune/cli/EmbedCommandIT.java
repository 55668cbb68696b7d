package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code streamtune embed} on a real photo and a file that is not an image. */
class EmbedCommandIT {

  @Test
  void printsFeaturesAndTopClassesPerImageAndFailsForNonImages(@TempDir Path dir) throws Exception {
    Path photo =
        Path.of(System.getProperty("streamtune.test.photos", "target/test-photos"), "chelsea.png");
    Path text = Files.writeString(dir.resolve("notes.txt"), "not an image");
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));

    int rc = cl.execute("embed", "--top", "2", photo.toString(), text.toString());

    assertThat(rc).isEqualTo(1);
    List<JsonNode> lines =
        out.toString()
            .lines()
            .map(
                l -> {
                  try {
                    return new ObjectMapper().readTree(l);
                  } catch (Exception e) {
                    throw new AssertionError(l, e);
                  }
                })
            .toList();
    assertThat(lines).hasSize(2);
    JsonNode cat = lines.get(0);
    assertThat(cat.at("/features/out_relu/dims").asInt()).isEqualTo(1280);
    assertThat(cat.at("/features/block_13_expand_relu/first")).hasSize(8);
    assertThat(cat.at("/features/block_13_expand_relu/l2").asDouble()).isPositive();
    assertThat(cat.get("top")).hasSize(2);
    assertThat(cat.at("/top/0/class").asText()).isEqualTo("Neutral");
    assertThat(lines.get(1).at("/error/reason").asText()).isEqualTo("UNSUPPORTED_FORMAT");

    StringWriter full = new StringWriter();
    cl.setOut(new PrintWriter(full, true));
    assertThat(cl.execute("embed", "--full", photo.toString())).isZero();
    assertThat(new ObjectMapper().readTree(full.toString()).at("/features/out_relu/vector"))
        .hasSize(1280);
  }
}
