package dev.streamtune.events;

import java.util.List;

/**
 * The answer of a compatibility check.
 *
 * @param compatible whether the schema may be registered under the subject
 * @param messages why not, one line per incompatibility; empty when compatible
 */
public record CompatibilityCheck(boolean compatible, List<String> messages) {
  /** Copies the messages. */
  public CompatibilityCheck {
    messages = List.copyOf(messages);
  }
}
