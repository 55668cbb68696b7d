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
  private static final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> SERVED =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static PrometheusMeterRegistry registry;

  private ServeMetrics() {}

  /** Sets the gauge {@code streamtune.serve.version} of a model. */
  static void served(String modelId, int version) {
    SERVED.computeIfAbsent(modelId, m -> {
      var v = new java.util.concurrent.atomic.AtomicInteger();
      io.micrometer.core.instrument.Gauge.builder("streamtune.serve.version", v, java.util.concurrent.atomic.AtomicInteger::get)
          .tag("model", m).description("the version served").register(Metrics.globalRegistry);
      return v;
    }).set(version);
  }

  static synchronized PrometheusMeterRegistry prometheus() {
    if (registry == null) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Metrics.addRegistry(registry);
    }
    return registry;
  }
}
