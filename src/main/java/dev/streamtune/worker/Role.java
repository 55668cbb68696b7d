package dev.streamtune.worker;

import dev.streamtune.config.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/** A role a worker can run. */
public enum Role {
  /** Labelled images into object storage, dead letters, training requests. */
  INGEST,
  /** Incremental fine-tuning, guard-rails, model-version events. */
  TRAIN,
  /** Hot-swapped models over HTTP, with the dashboard. */
  SERVE,
  /** Uncertain predictions into labelling requests, within a daily budget per model. */
  FEEDBACK;

  /**
   * The role's name on the command line: {@code ingest}, {@code train}, {@code serve} or {@code
   * feedback}.
   */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role named {@code name} on the command line.
   *
   * @throws ConfigException naming the roles available
   */
  public static Role parse(String name) {
    return Arrays.stream(values())
        .filter(r -> r.wire().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new ConfigException(
                    "Unknown role "
                        + name
                        + " for --roles; available: "
                        + Arrays.stream(values()).map(Role::wire).toList()));
  }
}
