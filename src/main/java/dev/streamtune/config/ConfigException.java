package dev.streamtune.config;

/** A setting has a value that cannot be used; the message names the setting and its sources. */
public final class ConfigException extends RuntimeException {

  /**
   * @param message what is wrong, naming the setting
   */
  public ConfigException(String message) {
    super(message);
  }
}
