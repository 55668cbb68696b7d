package dev.streamtune.events;

import java.util.regex.Pattern;

/**
 * DESIGN.md's rule for a {@code LabelledImage}'s model id and label: 1–64 of [A-Za-z0-9._-], not
 * starting with a dot. Ingest refuses events that break it; commands refuse such a {@code --model}.
 */
public final class Names {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

  private Names() {}

  /** Whether {@code name} is a valid model id or label. */
  public static boolean valid(String name) {
    return name != null && VALID.matcher(name).matches();
  }
}
