package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.config.ConfigReference;
import dev.streamtune.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

  @Test
  void theReadmesReferenceMatchesTheDeclarations() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    assertThat(ConfigReference.section(readme))
        .as(
            "README.md's configuration reference drifted from the code: run bin/streamtune config-reference "
                + "--write README.md")
        .isEqualTo(ConfigReference.markdown(Main.settingGroups()));
  }

  @Test
  void everySettingOfEveryCommandIsInTheReference() {
    String reference = ConfigReference.markdown(Main.settingGroups());
    Main.commandLine()
        .getSubcommands()
        .values()
        .forEach(
            c ->
                c.getCommandSpec()
                    .options()
                    .forEach(
                        o -> {
                          if (o.userObject() instanceof String key) {
                            assertThat(reference)
                                .as(c.getCommandName() + " " + o.longestName())
                                .contains("| `" + key + "` (");
                          }
                        }));
  }

  @Test
  void aSettingShowsItsOptionEnvironmentDefaultAndRuleAndASecretNoOption() {
    Setting<Integer> port = Setting.port("x.port", 80, "the port");
    Setting<String> key = Setting.string("x.key", "k", "the key").asSecret();
    String md = ConfigReference.markdown(Map.of("X", List.of(port, key)));
    assertThat(md)
        .contains(
            "| `x.port` (`--x-port`) | `STREAMTUNE_X_PORT` | `80` | the port (0 picks a free port); "
                + "must be a whole number from 0 to 65535 |");
    assertThat(md)
        .contains(
            "| `x.key` (secret: environment or file only) | `STREAMTUNE_X_KEY`, `STREAMTUNE_X_KEY_FILE` |");
    assertThatThrownBy(() -> ConfigReference.replace("no markers", md))
        .isInstanceOf(IllegalArgumentException.class);
    String doc = "a\n" + ConfigReference.BEGIN + "\nold\n" + ConfigReference.END + "\nb";
    assertThat(ConfigReference.section(ConfigReference.replace(doc, md))).isEqualTo(md);
  }
}
