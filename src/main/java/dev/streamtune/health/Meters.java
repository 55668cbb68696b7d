package dev.streamtune.health;

import com.sun.net.httpserver.HttpExchange;
import dev.streamtune.http.Http;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The process's meter registry, made once by whoever starts the roles and passed to each of them
 * (never Micrometer's global registry), and its Prometheus text for {@code /metrics}.
 *
 * <pre>{@code
 * PrometheusMeterRegistry meters = Meters.create();
 * IngestApp.start(..., meters);            // every role counts into the same registry
 * HealthServer.start(config, checks, meters);
 * }</pre>
 */
public final class Meters {
  private Meters() {}

  /** A new Prometheus registry for a process's roles. */
  public static PrometheusMeterRegistry create() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * The Prometheus registry within {@code meters}: itself, or one that a composite holds; empty
   * when there is none (a test's simple registry).
   */
  static Optional<PrometheusMeterRegistry> prometheus(MeterRegistry meters) {
    if (meters instanceof PrometheusMeterRegistry p) {
      return Optional.of(p);
    }
    if (meters instanceof CompositeMeterRegistry c) {
      return c.getRegistries().stream().map(Meters::prometheus).flatMap(Optional::stream).findAny();
    }
    return Optional.empty();
  }

  /**
   * Answers {@code GET /metrics}: the meters in Prometheus text.
   *
   * @throws Http.HttpError 404 when {@code meters} keeps no Prometheus registry
   */
  public static void send(HttpExchange x, MeterRegistry meters) throws IOException {
    PrometheusMeterRegistry p =
        prometheus(meters)
            .orElseThrow(() -> new Http.HttpError(404, "this process exposes no metrics"));
    Http.send(
        x,
        200,
        "text/plain; version=0.0.4; charset=utf-8",
        p.scrape().getBytes(StandardCharsets.UTF_8));
  }
}
