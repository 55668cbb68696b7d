package dev.streamtune.health;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.util.List;

/**
 * Settings of a worker's management endpoints ({@link HealthServer}).
 *
 * @param port HTTP port of {@code /healthz}, {@code /readyz} and {@code /metrics} (0 picks a free
 *     one)
 */
public record HealthConfig(int port) {
  /** Port. */
  public static final Setting<Integer> PORT =
      Setting.port(
          "health.port",
          0,
          "HTTP port of a worker's /healthz, /readyz and /metrics, whatever its roles, printed at start; the "
              + "container image sets 8081, which its HEALTHCHECK, Compose and the Helm chart probe");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS = List.of(PORT);

  /** Reads the settings. */
  public static HealthConfig from(ConfigSource s) {
    return new HealthConfig(s.get(PORT));
  }
}
