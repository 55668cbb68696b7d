package dev.streamtune.ml;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamtune.store.LocalFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Regenerates the TF.js reference live with {@code tools/tfjs-reference} (TF.js 4.22, wasm backend)
 * on the same PNGs and compares it with Java's features. With {@code
 * -Dstreamtune.golden.update=true} it also rewrites the committed copy.
 */
class TfjsCrossCheckIT {
  private static final Path TOOL = Path.of("tools", "tfjs-reference", "features.mjs");
  private static final Path COMMITTED =
      Path.of("src", "test", "resources", "golden", "tfjs-features.json");

  @Test
  void javaFeaturesMatchTfjsComputedNow() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "tfjs-golden");
    try {
      Map<String, byte[]> images = GoldenImages.all();
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "node",
                  TOOL.toString(),
                  "--model",
                  FeatureConfig.defaults().baseModel().toString(),
                  "--layers",
                  String.join(",", GoldenFeatures.LAYERS),
                  "--backend",
                  "wasm",
                  "--out",
                  dir.resolve("reference.json").toString()));
      for (var e : images.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
        cmd.add(dir.resolve(e.getKey()).toString());
      }
      Backbone backbone = TestBackbone.get();
      run(cmd);
      Map<String, Features> ours = new LinkedHashMap<>();
      try (FeatureExtractor fx = FeatureExtractor.open(backbone, FeatureConfig.defaults())) {
        images.forEach((name, bytes) -> ours.put(name, fx.extract(bytes)));
      }
      JsonNode reference = GoldenFeatures.read(Files.newInputStream(dir.resolve("reference.json")));
      double worst = GoldenFeatures.assertAgree(reference, ours);
      System.out.printf(
          "TF.js cross-check: %d images, largest relative difference %.2e%n", images.size(), worst);
      if (Boolean.getBoolean("streamtune.golden.update")) {
        Files.createDirectories(COMMITTED.getParent());
        Files.copy(dir.resolve("reference.json"), COMMITTED, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      LocalFiles.deleteTree(dir);
    }
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError("The TF.js reference failed:\n" + out);
    }
  }
}
