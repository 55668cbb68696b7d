package dev.streamtune.cli;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Turns declared settings into picocli options, and parsed options back into a source. */
final class SettingOptions {
  private SettingOptions() {}

  /** The settings of several records, in order. */
  @SafeVarargs
  static List<Setting<?>> all(List<Setting<?>>... groups) {
    List<Setting<?>> out = new java.util.ArrayList<>();
    for (List<Setting<?>> g : groups) {
      out.addAll(g);
    }
    return out;
  }

  /** Adds an option for each non-secret setting, and lists the secrets in the footer. */
  static void add(CommandSpec spec, List<Setting<?>> settings) {
    add(spec, settings, "");
  }

  /**
   * Like {@link #add(CommandSpec, List)}, but options of keys starting with {@code strip} drop it:
   * {@code devstack.fresh} becomes {@code --fresh} on the dev-stack command.
   */
  static void add(CommandSpec spec, List<Setting<?>> settings, String strip) {
    StringBuilder secrets = new StringBuilder();
    for (Setting<?> s : settings) {
      if (s.secret()) {
        secrets.append(
            String.format("%n  %s (or %s_FILE): %s", s.envVar(), s.envVar(), s.description()));
        continue;
      }
      String def =
          s.defaultValue() == null
              ? "none"
              : dev.streamtune.config.ConfigReference.shown(s.defaultValue());
      String name =
          strip.isEmpty() || !s.key().startsWith(strip)
              ? s.option()
              : "--" + s.key().substring(strip.length()).replace('.', '-');
      OptionSpec.Builder option = OptionSpec.builder(name);
      if (s.defaultValue() instanceof Boolean) {
        option.arity("0..1").fallbackValue("true");
      }
      spec.addOption(
          option
              .userObject(s.key())
              .paramLabel(label(s))
              .type(String.class)
              .description(
                  s.description()
                      + " (env "
                      + s.envVar()
                      + "; default: "
                      + (def.isEmpty() ? "empty" : def)
                      + ")")
              .build());
    }
    if (secrets.length() > 0) {
      String[] old = spec.usageMessage().footer();
      String[] footer = java.util.Arrays.copyOf(old, old.length + 1);
      footer[old.length] =
          "%nSecrets, from the environment only:" + secrets.toString().replace("%", "%%");
      spec.usageMessage().footer(footer);
    }
  }

  private static String label(Setting<?> s) {
    Object d = s.defaultValue();
    if (d instanceof Boolean) {
      return "true|false";
    }
    if (d instanceof java.time.Duration) {
      return "<duration>";
    }
    if (d instanceof Enum<?> e) {
      return "<"
          + String.join(
              "|",
              java.util.Arrays.stream(e.getDeclaringClass().getEnumConstants())
                  .map(Object::toString)
                  .toList())
          + ">";
    }
    return "<" + s.key().substring(s.key().lastIndexOf('.') + 1) + ">";
  }

  /** The values given on the command line, then the environment. */
  static ConfigSource source(CommandSpec spec) {
    Map<String, String> cli = new HashMap<>();
    for (OptionSpec o : spec.options()) {
      if (o.userObject() instanceof String key && o.getValue() != null) {
        cli.put(key, o.getValue());
      }
    }
    return ConfigSource.of(cli, System.getenv());
  }
}
