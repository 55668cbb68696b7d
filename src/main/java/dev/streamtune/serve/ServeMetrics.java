package dev.streamtune.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serve's meters, and the process's Prometheus registry, added once to Micrometer's global
 * registry, so that {@code /metrics} shows every role's meters (serve, and ingest and train when
 * they run in the same process).
 *
 * <ul>
 *   <li>{@code streamtune.serve.version{model}}: the version served;
 *   <li>{@code streamtune.serve.subscriber.lag{topic}}: records of {@code models.versions} not yet
 *       read (0 when caught up; it grows while the subscriber is stuck);
 *   <li>{@code streamtune.serve.subscriber.skipped{topic}}: records that can never be read,
 *       skipped;
 *   <li>{@code streamtune.serve.classifications.active}: classifications running now, at most
 *       {@code serve.max.concurrent}.
 * </ul>
 */
final class ServeMetrics {
  private static final Map<String, AtomicInteger> SERVED = new ConcurrentHashMap<>();
  private static final Map<String, AtomicLong> LAG = new ConcurrentHashMap<>();
  private static final AtomicInteger ACTIVE = new AtomicInteger();
  private static PrometheusMeterRegistry registry;

  static {
    Gauge.builder("streamtune.serve.classifications.active", ACTIVE, AtomicInteger::get)
        .description("classifications running now")
        .register(Metrics.globalRegistry);
  }

  private ServeMetrics() {}

  /** Sets the gauge {@code streamtune.serve.version} of a model. */
  static void served(String modelId, int version) {
    SERVED
        .computeIfAbsent(
            modelId,
            m -> {
              AtomicInteger v = new AtomicInteger();
              Gauge.builder("streamtune.serve.version", v, AtomicInteger::get)
                  .tag("model", m)
                  .description("the version served")
                  .register(Metrics.globalRegistry);
              return v;
            })
        .set(version);
  }

  /** Sets the gauge {@code streamtune.serve.subscriber.lag} of a topic. */
  static void lag(String topic, long records) {
    LAG.computeIfAbsent(
            topic,
            t -> {
              AtomicLong v = new AtomicLong();
              Gauge.builder("streamtune.serve.subscriber.lag", v, AtomicLong::get)
                  .tag("topic", t)
                  .description("records of the topic the model subscriber has not read yet")
                  .register(Metrics.globalRegistry);
              return v;
            })
        .set(records);
  }

  /** Counts a record of {@code topic} skipped because it can never be read. */
  static void skipped(String topic) {
    Counter.builder("streamtune.serve.subscriber.skipped")
        .tag("topic", topic)
        .description("records the model subscriber skipped because they can never be read")
        .register(Metrics.globalRegistry)
        .increment();
  }

  /** The counter of classifications running now. */
  static AtomicInteger active() {
    return ACTIVE;
  }

  static synchronized PrometheusMeterRegistry prometheus() {
    if (registry == null) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Metrics.addRegistry(registry);
    }
    return registry;
  }
}
