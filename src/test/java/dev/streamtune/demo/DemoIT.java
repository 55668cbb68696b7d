package dev.streamtune.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.testing.NodeScript;
import dev.streamtune.testing.Tools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamtune demo} end to end, with its own embedded stack, and the dashboard in a real
 * browser (headless Debian Chromium driven by playwright-core, {@code src/test/node/dashboard.mjs})
 * loaded while the demo runs: it sees a newer version appear without a reload, opens that version's
 * model card, classifies an uploaded image, and takes a screenshot into {@code
 * target/dashboard.png}.
 */
class DemoIT {

  @Test
  void theDemoTrainsImprovingVersionsAndTheDashboardShowsThemLive(@TempDir Path dir)
      throws Exception {
    DemoConfig config = DemoConfig.defaults().small(dir, 3, 25, 15).withLoop(2, 1.0);
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text, true);
    Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    DemoSummary summary;
    JsonNode browser;
    Tools.chromium();
    try (Demo demo = Demo.start(config, out, false)) {
      Path image;
      try (var files =
          Files.list(
              dir.resolve("dataset").resolve("shapes-3x25-15").resolve("test").resolve("star"))) {
        image = files.sorted().findFirst().orElseThrow();
      }
      CompletableFuture<JsonNode> page =
          CompletableFuture.supplyAsync(
              () ->
                  NodeScript.script(
                      "dashboard.mjs",
                      600,
                      demo.dashboardUrl(),
                      "shapes",
                      image.toString(),
                      screenshot.toString()));
      summary = demo.run();
      browser = page.get(5, TimeUnit.MINUTES);
      assertThat(demo.healthy()).as("ingest RUNNING and the trainer alive").isTrue();
    }

    assertThat(summary.versions()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(summary.labelled())
        .as("margin 1: each of the 2 held-back images of the 8 classes asks, and is answered")
        .isEqualTo(16);
    assertThat(summary.versions().get(summary.versions().size() - 1).getExamples().getTotal())
        .as("the labelling round's version trained on the 600 streamed images and the 16 answers")
        .isEqualTo(616);
    assertThat(summary.versions().get(2).getStatus())
        .as("the last increment's version")
        .isEqualTo(VersionStatus.PUBLISHED);
    assertThat(summary.improved())
        .as("test accuracy by version %s", summary.testAccuracy())
        .isTrue();
    assertThat(browser.get("later").asInt())
        .as("a newer version appeared")
        .isGreaterThan(browser.get("first").asInt());
    assertThat(browser.get("noReload").asBoolean()).as("without a reload").isTrue();
    assertThat(browser.get("versionsListed").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(browser.get("cardTitle").asText()).startsWith("shapes v");
    assertThat(browser.get("cardHasMisclassified").asBoolean()).isTrue();
    assertThat(browser.get("predicted").asText())
        .matches("(" + String.join("|", Shapes.LABELS) + ") \\(v\\d+ of shapes\\)");
    assertThat(browser.get("errors")).as("no script errors on the page").isEmpty();
    assertThat(screenshot).isNotEmptyFile();
    assertThat(text.toString())
        .as("plain lines, not bars, when the output is not a terminal")
        .doesNotContain("\r")
        .contains("increment 1/3: producing: 200/200 (100%)")
        .contains("shapes v1 backbone passes: ")
        .contains("epochs: ")
        .contains("uploading artifacts")
        .contains("v1   PUBLISHED")
        .contains("Summary: model shapes, ")
        .contains("labelling round: 16 held-back images classified through serve")
        .contains("The labelling round answered 16 labelling requests");
  }
}
