package dev.streamtune.config;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration reference, generated from the setting declarations so that it cannot drift from
 * the code: one Markdown table per group, each setting with its CLI option, environment variable,
 * default and description. A key declared in several groups is listed in the first.
 */
public final class ConfigReference {
  /** Where the reference starts in a Markdown file. */
  public static final String BEGIN =
      "<!-- config-reference:begin (generated: bin/streamtune config-reference "
          + "--write README.md) -->";

  /** Where it ends. */
  public static final String END = "<!-- config-reference:end -->";

  private ConfigReference() {}

  /** The reference, without the markers. */
  public static String markdown(Map<String, List<Setting<?>>> groups) {
    StringBuilder b = new StringBuilder();
    Set<String> seen = new HashSet<>();
    groups.forEach(
        (group, settings) -> {
          List<Setting<?>> fresh = settings.stream().filter(s -> seen.add(s.key())).toList();
          if (fresh.isEmpty()) {
            return;
          }
          b.append("\n#### ")
              .append(group)
              .append("\n\n| setting | environment | default | description |\n")
              .append("|---|---|---|---|\n");
          for (Setting<?> s : fresh) {
            String option =
                s.secret() ? "secret: environment or file only" : "`" + s.option() + "`";
            String def =
                s.defaultValue() == null
                    ? (s.optional() ? "none" : "required")
                    : "`" + shown(s.defaultValue()) + "`";
            b.append("| `")
                .append(s.key())
                .append("` (")
                .append(option)
                .append(") | `")
                .append(s.envVar())
                .append(s.secret() ? "`, `" + s.envVar() + "_FILE" : "")
                .append("` | ")
                .append(def)
                .append(" | ")
                .append(s.description().replace("|", "\\|"));
            String rule =
                s.ruleText() == null
                    ? ""
                    : java.util.Arrays.stream(s.ruleText().split("; "))
                        .filter(r -> !r.equals("must not be blank"))
                        .collect(java.util.stream.Collectors.joining("; "));
            if (!rule.isBlank()) {
              b.append("; ").append(rule.replace("|", "\\|"));
            }
            b.append(" |\n");
          }
        });
    return b.toString();
  }

  /**
   * {@code text} with the part between {@link #BEGIN} and {@link #END} replaced by {@code
   * reference}.
   *
   * @throws IllegalArgumentException when the markers are missing
   */
  public static String replace(String text, String reference) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("No " + BEGIN + " … " + END + " section");
    }
    return text.substring(0, begin + BEGIN.length())
        + "\n"
        + reference
        + "\n"
        + text.substring(end);
  }

  /** The part between the markers, as {@link #replace} writes it, or null without markers. */
  public static String section(String text) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    return begin < 0 || end < begin ? null : text.substring(begin + BEGIN.length() + 1, end - 1);
  }

  /**
   * A value as a user would write it: {@code 30s} for a duration, {@code ~/x} for a path in home.
   */
  public static String shown(Object v) {
    if (v instanceof java.time.Duration d) {
      return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
    String text = v.toString();
    String home = System.getProperty("user.home");
    return v instanceof java.nio.file.Path && text.startsWith(home + "/")
        ? "~" + text.substring(home.length())
        : text;
  }
}
