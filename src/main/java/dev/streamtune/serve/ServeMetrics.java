package dev.streamtune.serve;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process's Prometheus registry, added once to Micrometer's global registry, so that
 * {@code /metrics} shows every role's meters (serve, and ingest and train when they run in the
 * same process).
 */
final class ServeMetrics {
  private static PrometheusMeterRegistry registry;

  private ServeMetrics() {}

  static synchronized PrometheusMeterRegistry prometheus() {
    if (registry == null) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Metrics.addRegistry(registry);
    }
    return registry;
  }
}
