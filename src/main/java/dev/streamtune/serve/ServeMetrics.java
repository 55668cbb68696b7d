package dev.streamtune.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serve's meters, in the registry the process passed in:
 *
 * <ul>
 *   <li>{@code streamtune.serve.version{model}}: the version served;
 *   <li>{@code streamtune.serve.subscriber.lag{topic}}: records of {@code models.versions} not yet
 *       read (0 when caught up; it grows while the subscriber is stuck);
 *   <li>{@code streamtune.serve.subscriber.skipped{topic}}: records that can never be read,
 *       skipped;
 *   <li>{@code streamtune.serve.classifications.active}: classifications running now, at most
 *       {@code serve.max.concurrent};
 *   <li>{@code streamtune.serve.requests{model,outcome}}: classify requests, timed;
 *   <li>{@code streamtune.serve.auth.refused{reason}}: requests refused for their token.
 * </ul>
 */
final class ServeMetrics {
  private final MeterRegistry meters;
  private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lag = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();

  ServeMetrics(MeterRegistry meters) {
    this.meters = meters;
    Gauge.builder("streamtune.serve.classifications.active", active, AtomicInteger::get)
        .description("classifications running now")
        .register(meters);
  }

  /** The registry, for {@code /metrics}. */
  MeterRegistry registry() {
    return meters;
  }

  /** Sets the gauge {@code streamtune.serve.version} of a model. */
  void served(String modelId, int version) {
    served
        .computeIfAbsent(
            modelId,
            m -> {
              AtomicInteger v = new AtomicInteger();
              Gauge.builder("streamtune.serve.version", v, AtomicInteger::get)
                  .tag("model", m)
                  .description("the version served")
                  .register(meters);
              return v;
            })
        .set(version);
  }

  /** Sets the gauge {@code streamtune.serve.subscriber.lag} of a topic. */
  void lag(String topic, long records) {
    lag.computeIfAbsent(
            topic,
            t -> {
              AtomicLong v = new AtomicLong();
              Gauge.builder("streamtune.serve.subscriber.lag", v, AtomicLong::get)
                  .tag("topic", t)
                  .description("records of the topic the model subscriber has not read yet")
                  .register(meters);
              return v;
            })
        .set(records);
  }

  /** Counts a record of {@code topic} skipped because it can never be read. */
  void skipped(String topic) {
    Counter.builder("streamtune.serve.subscriber.skipped")
        .tag("topic", topic)
        .description("records the model subscriber skipped because they can never be read")
        .register(meters)
        .increment();
  }

  /** The counter of classifications running now. */
  AtomicInteger active() {
    return active;
  }

  /** Records one classify request's time and outcome. */
  void request(Timer.Sample sample, String modelId, String outcome) {
    sample.stop(
        Timer.builder("streamtune.serve.requests")
            .description("classify requests")
            .tag("model", modelId)
            .tag("outcome", outcome)
            .publishPercentileHistogram()
            .register(meters));
  }

  /** Counts a request refused for its token ({@code invalid-token} or {@code no-token}). */
  void authRefused(String reason) {
    meters.counter("streamtune.serve.auth.refused", "reason", reason).increment();
  }
}
