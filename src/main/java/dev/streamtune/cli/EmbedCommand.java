package dev.streamtune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.image.ImageDecodeException;
import dev.streamtune.ml.Backbone;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Features;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code streamtune embed IMAGE...}: the backbone's features of images, as JSON lines. */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description = {
      "Print each image's backbone features as one JSON line: per candidate layer its first values, "
          + "L2 norm and sum (the whole vector with --full), and the top classes of the base model's own head.",
      "The default base model is fetched (npm pack nsfwjs@4.4.0) and converted on first use."
    })
final class EmbedCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "JPEG, PNG, GIF or BMP files")
  List<Path> images;

  @Option(names = "--full", description = "print every value of each vector")
  boolean full;

  @Option(
      names = "--top",
      defaultValue = "3",
      paramLabel = "<k>",
      description = "head classes to print (default: ${DEFAULT-VALUE})")
  int top;

  @Override
  public Integer call() throws IOException {
    FeatureConfig config = FeatureConfig.from(SettingOptions.source(spec));
    PrintWriter out = spec.commandLine().getOut();
    int failed = 0;
    Backbone backbone = BaseModels.backbone(config);
    try (FeatureExtractor fx = FeatureExtractor.open(backbone, config)) {
      for (Path image : images) {
        ObjectNode line = JSON.createObjectNode().put("file", image.toString());
        try {
          describe(line, backbone, fx.extract(Files.readAllBytes(image)));
        } catch (ImageDecodeException e) {
          failed++;
          line.putObject("error").put("reason", e.reason()).put("message", e.getMessage());
        } catch (IOException e) {
          failed++;
          line.putObject("error").put("reason", "UNREADABLE").put("message", e.toString());
        }
        out.println(JSON.writeValueAsString(line));
        out.flush();
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private void describe(ObjectNode line, Backbone backbone, Features f) {
    line.putObject("backbone").put("name", backbone.name()).put("digest", backbone.digest());
    ObjectNode layers = line.putObject("features");
    f.layers()
        .forEach(
            (name, v) -> {
              ObjectNode l = layers.putObject(name).put("dims", v.length);
              double sum = 0;
              double sq = 0;
              for (float x : v) {
                sum += x;
                sq += (double) x * x;
              }
              ArrayNode first = l.putArray(full ? "vector" : "first");
              for (int i = 0; i < (full ? v.length : Math.min(8, v.length)); i++) {
                first.add(v[i]);
              }
              l.put("l2", Math.sqrt(sq)).put("sum", sum);
            });
    float[] p = f.logits();
    ArrayNode topClasses = line.putArray("top");
    IntStream.range(0, p.length)
        .boxed()
        .sorted(Comparator.comparingDouble(i -> -p[i]))
        .limit(top)
        .forEach(
            i -> topClasses.addObject().put("class", backbone.classNames().get(i)).put("p", p[i]));
  }
}
