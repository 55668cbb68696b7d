package dev.streamtune.cli;

import dev.streamtune.config.ConfigException;
import dev.streamtune.events.Names;

/**
 * The {@code --model} option's rule, DESIGN.md's for model ids: 1-64 of [A-Za-z0-9._-], not
 * starting with a dot.
 */
final class ModelOption {
  private ModelOption() {}

  /**
   * Returns {@code model} when it is a valid model id.
   *
   * @throws ConfigException (exit status 2) when it is not
   */
  static String check(String model) {
    if (!Names.valid(model)) {
      throw new ConfigException(
          "Invalid --model " + model + ": 1-64 of A-Z a-z 0-9 . _ -, not starting with a dot");
    }
    return model;
  }
}
