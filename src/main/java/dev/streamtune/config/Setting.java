package dev.streamtune.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One setting, declared once: its key, description, default, parser and rule.
 *
 * <p>The key {@code schema.registry.url} derives the CLI option {@code --schema-registry-url} and
 * the environment variable {@code STREAMTUNE_SCHEMA_REGISTRY_URL}. A {@linkplain #secret() secret}
 * has no CLI option (arguments are visible in {@code ps}); it is read from its environment
 * variable, or from the file named by the same variable with a {@code _FILE} suffix.
 *
 * @param key dotted lower-case name
 * @param description one line for {@code --help}
 * @param defaultValue the value when no source gives one; {@code null} means required, unless
 *     {@code optional} is set
 * @param parser turns the text into a value, throwing {@link IllegalArgumentException} when it
 *     cannot
 * @param rule checked against every parsed value, including the default
 * @param ruleText the rule in words, for error messages
 * @param secret never taken from the command line, never printed
 * @param optional may be absent ({@code null} value) without an error
 * @param <T> the value type
 */
public record Setting<T>(
    String key,
    String description,
    T defaultValue,
    Function<String, T> parser,
    Predicate<T> rule,
    String ruleText,
    boolean secret,
    boolean optional) {

  /** Checks the declaration itself. */
  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(rule, "rule");
    if (!key.matches("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*")) {
      throw new IllegalArgumentException("bad setting key " + key);
    }
  }

  /** The CLI option, such as {@code --schema-registry-url}. */
  public String option() {
    return "--" + key.replace('.', '-');
  }

  /** The environment variable, such as {@code STREAMTUNE_SCHEMA_REGISTRY_URL}. */
  public String envVar() {
    return "STREAMTUNE_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** Where a value can come from, for messages. */
  public String sources() {
    return secret ? envVar() + " or " + envVar() + "_FILE" : option() + " or " + envVar();
  }

  /** Returns a copy that may be absent. */
  public Setting<T> asOptional() {
    return new Setting<>(key, description, defaultValue, parser, rule, ruleText, secret, true);
  }

  /** Returns a copy that is a secret. */
  public Setting<T> asSecret() {
    return new Setting<>(key, description, defaultValue, parser, rule, ruleText, true, optional);
  }

  /** Returns a copy with a rule on the value. */
  public Setting<T> must(Predicate<T> newRule, String newRuleText) {
    return new Setting<>(
        key,
        description,
        defaultValue,
        parser,
        rule.and(newRule),
        ruleText == null ? newRuleText : ruleText + "; " + newRuleText,
        secret,
        optional);
  }

  /**
   * A text setting that may be empty (its default), such as a folder where empty means a new
   * temporary one.
   */
  public static Setting<String> emptyByDefault(String key, String description) {
    return new Setting<>(key, description, "", s -> s, s -> true, "", false, false);
  }

  /** A text setting. */
  public static Setting<String> string(String key, String defaultValue, String description) {
    return new Setting<>(
        key,
        description,
        defaultValue,
        s -> s,
        s -> !s.isBlank(),
        "must not be blank",
        false,
        false);
  }

  /** A whole-number setting within [min, max]. */
  public static Setting<Integer> integer(
      String key, int defaultValue, int min, int max, String description) {
    return new Setting<>(
        key,
        description,
        defaultValue,
        Integer::valueOf,
        v -> v >= min && v <= max,
        "must be a whole number from " + min + " to " + max,
        false,
        false);
  }

  /** A decimal number within [min, max]. */
  public static Setting<Double> decimal(
      String key, double defaultValue, double min, double max, String description) {
    return new Setting<>(
        key,
        description,
        defaultValue,
        Double::valueOf,
        v -> v >= min && v <= max,
        "must be a number from " + min + " to " + max,
        false,
        false);
  }

  /** A yes/no setting: true or false. */
  public static Setting<Boolean> bool(String key, boolean defaultValue, String description) {
    return new Setting<>(
        key,
        description,
        defaultValue,
        Setting::parseBoolean,
        v -> true,
        "must be true or false",
        false,
        false);
  }

  /** A duration such as {@code 500ms}, {@code 30s}, {@code 5m} or ISO-8601 {@code PT30S}. */
  public static Setting<Duration> duration(String key, Duration defaultValue, String description) {
    return new Setting<>(
        key,
        description,
        defaultValue,
        Setting::parseDuration,
        d -> !d.isNegative(),
        "must be a duration such as 500ms, 30s or 5m, not negative",
        false,
        false);
  }

  /** An http or https URL. */
  public static Setting<URI> httpUrl(String key, String defaultValue, String description) {
    return new Setting<>(
        key,
        description,
        defaultValue == null ? null : URI.create(defaultValue),
        URI::create,
        u -> ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null,
        "must be an http:// or https:// URL with a host",
        false,
        false);
  }

  /** A file-system path; {@code ~/} at the start means the user's home. */
  public static Setting<java.nio.file.Path> path(
      String key, String defaultValue, String description) {
    Function<String, java.nio.file.Path> parser =
        s ->
            s.startsWith("~/")
                ? java.nio.file.Path.of(System.getProperty("user.home"), s.substring(2))
                : java.nio.file.Path.of(s);
    return new Setting<>(
        key,
        description,
        defaultValue == null ? null : parser.apply(defaultValue),
        parser,
        p -> !p.toString().isBlank(),
        "must be a path",
        false,
        false);
  }

  /** A TCP port; 0 picks a free one. */
  public static Setting<Integer> port(String key, int defaultValue, String description) {
    return integer(key, defaultValue, 0, 65535, description + " (0 picks a free port)");
  }

  /** One constant of an enum, case-insensitive. */
  public static <E extends Enum<E>> Setting<E> oneOf(
      String key, Class<E> type, E defaultValue, String description) {
    Function<String, E> parser =
        s -> Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    return new Setting<>(
        key,
        description,
        defaultValue,
        parser,
        v -> true,
        "must be one of " + java.util.Arrays.toString(type.getEnumConstants()),
        false,
        false);
  }

  static boolean parseBoolean(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException("not a boolean");
    };
  }

  static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    }
    var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
