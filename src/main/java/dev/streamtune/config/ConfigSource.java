package dev.streamtune.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where setting values come from, in order: CLI options, then the environment, then the setting's
 * default. Secrets skip the CLI: they come from {@code STREAMTUNE_X} or from the file named by
 * {@code STREAMTUNE_X_FILE}.
 */
public final class ConfigSource {
  private final Map<String, String> cli;
  private final Map<String, String> env;

  private ConfigSource(Map<String, String> cli, Map<String, String> env) {
    this.cli = Map.copyOf(cli);
    this.env = Map.copyOf(env);
  }

  /**
   * @param cli values given on the command line, keyed by setting key
   * @param env the environment, keyed by variable name
   */
  public static ConfigSource of(Map<String, String> cli, Map<String, String> env) {
    return new ConfigSource(cli, env);
  }

  /** The process environment alone. */
  public static ConfigSource environment() {
    return of(Map.of(), System.getenv());
  }

  /** Settings given by key, as a library user or test would. */
  public static ConfigSource ofSettings(Map<String, String> values) {
    return of(values, Map.of());
  }

  /**
   * Reads, parses and checks one setting.
   *
   * @throws ConfigException naming the setting when the value is missing, malformed or breaks its
   *     rule
   */
  public <T> T get(Setting<T> s) {
    Optional<String> raw = raw(s);
    T value;
    if (raw.isPresent()) {
      try {
        value = s.parser().apply(raw.get().trim());
      } catch (RuntimeException e) {
        throw invalid(s, s.secret() ? "(hidden)" : raw.get());
      }
    } else {
      value = s.defaultValue();
    }
    if (value == null) {
      if (s.optional()) {
        return null;
      }
      throw new ConfigException(
          "Missing setting " + s.key() + ": give " + s.sources() + " (" + s.description() + ")");
    }
    if (!s.rule().test(value)) {
      throw invalid(s, s.secret() ? "(hidden)" : String.valueOf(value));
    }
    return value;
  }

  private Optional<String> raw(Setting<?> s) {
    if (!s.secret() && cli.containsKey(s.key())) {
      return Optional.of(cli.get(s.key()));
    }
    String v = env.get(s.envVar());
    if (v != null && !v.isEmpty()) {
      return Optional.of(v);
    }
    String file = env.get(s.envVar() + "_FILE");
    if (s.secret() && file != null && !file.isEmpty()) {
      try {
        return Optional.of(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        throw new ConfigException(
            "Cannot read "
                + s.envVar()
                + "_FILE "
                + file
                + " for setting "
                + s.key()
                + ": "
                + e.getMessage());
      }
    }
    return Optional.empty();
  }

  private static ConfigException invalid(Setting<?> s, String shown) {
    return new ConfigException(
        "Invalid value "
            + shown
            + " for setting "
            + s.key()
            + " ("
            + s.sources()
            + "): "
            + (s.ruleText() == null ? "invalid" : s.ruleText()));
  }
}
