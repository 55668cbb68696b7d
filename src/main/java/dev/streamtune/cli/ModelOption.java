package dev.streamtune.cli;

import dev.streamtune.config.ConfigException;

/** The {@code --model} option's rule, DESIGN.md's for model ids: 1-64 of [A-Za-z0-9._-], not starting with a dot. */
final class ModelOption {
  private ModelOption() {}

  /**
   * Returns {@code model} when it is a valid model id.
   *
   * @throws ConfigException (exit status 2) when it is not
   */
  static String check(String model) {
    if (!model.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")) {
      throw new ConfigException("Invalid --model " + model + ": 1-64 of A-Z a-z 0-9 . _ -, not starting with a dot");
    }
    return model;
  }
}
