package dev.streamtune.cli;

import dev.streamtune.config.ConfigReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamtune config-reference}: every setting as Markdown, generated from the declarations.
 */
@Command(
    name = "config-reference",
    mixinStandardHelpOptions = true,
    description =
        "Print the configuration reference (every setting, its option, environment variable, default and "
            + "description) as Markdown, generated from the code; --write puts it between the config-reference "
            + "markers of a Markdown file, as in README.md.")
final class ConfigReferenceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--write",
      paramLabel = "FILE",
      description = "replace the reference section of this file")
  Path write;

  @Override
  public Integer call() throws Exception {
    String reference = ConfigReference.markdown(Main.settingGroups());
    if (write == null) {
      spec.commandLine().getOut().print(reference);
      return 0;
    }
    String text = Files.readString(write, StandardCharsets.UTF_8);
    Files.writeString(write, ConfigReference.replace(text, reference), StandardCharsets.UTF_8);
    spec.commandLine().getOut().println("Wrote the configuration reference into " + write);
    return 0;
  }
}
