package dev.streamtune.ingest;

import java.util.regex.Pattern;

/** DESIGN.md's rule for model ids and labels: 1–64 of [A-Za-z0-9._-], not starting with a dot. */
final class Names {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

  private Names() {}

  static boolean valid(String name) {
    return name != null && VALID.matcher(name).matches();
  }
}
