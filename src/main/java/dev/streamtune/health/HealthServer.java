package dev.streamtune.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.streamtune.http.Http;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A worker's management endpoints, whatever roles it runs, for Kubernetes probes, Docker's {@code
 * HEALTHCHECK} and Prometheus: {@code GET /healthz} answers 200 while every role is alive (503
 * names those that are not, so the orchestrator restarts the process); {@code GET /readyz} 200 once
 * every role is ready (ingest RUNNING, the trainer's loop up, serve's models loaded); {@code GET
 * /metrics} the process's meters in Prometheus text. Each answer's JSON lists the roles, and under
 * {@code problems} what a role says is wrong even while it counts as alive or ready (serve: "model
 * subscriber stuck since …"). Nothing here is secret or takes input, so it needs no token.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool;
  private final List<Check> checks;
  private final MeterRegistry meters;

  /**
   * One role's health.
   *
   * @param role its name
   * @param alive false once it has failed for good
   * @param ready whether it does its work now
   * @param problem what is wrong, in words, shown in both answers whatever their status (such as
   *     "model subscriber stuck since …"); it returns null when nothing is
   */
  public record Check(
      String role, BooleanSupplier alive, BooleanSupplier ready, Supplier<String> problem) {
    /** A check with nothing more to say than its status. */
    public Check(String role, BooleanSupplier alive, BooleanSupplier ready) {
      this(role, alive, ready, () -> null);
    }
  }

  private HealthServer(
      HttpServer server, ExecutorService pool, List<Check> checks, MeterRegistry meters) {
    this.server = server;
    this.pool = pool;
    this.checks = List.copyOf(checks);
    this.meters = meters;
  }

  /**
   * Starts serving the endpoints on {@code config.port()}.
   *
   * @param meters the process's registry ({@link Meters#create()}), shown at {@code /metrics}
   */
  public static HealthServer start(HealthConfig config, List<Check> checks, MeterRegistry meters) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(config.port()), 16);
      ExecutorService pool =
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "health-http");
                t.setDaemon(true);
                return t;
              });
      HealthServer h = new HealthServer(server, pool, checks, meters);
      server.createContext("/", h::handle);
      server.setExecutor(pool);
      server.start();
      return h;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the health port " + config.port(), e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      if (!x.getRequestMethod().equalsIgnoreCase("GET")) {
        Http.send(x, 405, Http.JSON.createObjectNode().put("error", "only GET is allowed here"));
      } else if (path.equals("/healthz")) {
        answer(x, "alive", true);
      } else if (path.equals("/readyz")) {
        answer(x, "ready", false);
      } else if (path.equals("/metrics")) {
        Meters.send(x, meters);
      } else {
        Http.send(
            x,
            404,
            Http.JSON
                .createObjectNode()
                .put("error", "no such endpoint; try /healthz, /readyz or " + "/metrics"));
      }
    }
  }

  private void answer(HttpExchange x, String word, boolean liveness) throws IOException {
    ObjectNode roles = Http.JSON.createObjectNode();
    ObjectNode problems = Http.JSON.createObjectNode();
    boolean all = true;
    for (Check c : checks) {
      boolean ok =
          liveness
              ? c.alive().getAsBoolean()
              : c.alive().getAsBoolean() && c.ready().getAsBoolean();
      roles.put(c.role(), (ok ? "" : "NOT ") + word.toUpperCase(java.util.Locale.ROOT));
      String problem = c.problem().get();
      if (problem != null) {
        problems.put(c.role(), problem);
      }
      all &= ok;
    }
    ObjectNode body =
        Http.JSON
            .createObjectNode()
            .put("status", (all ? "" : "NOT ") + word.toUpperCase(java.util.Locale.ROOT));
    body.set("roles", roles);
    if (!problems.isEmpty()) {
      body.set("problems", problems);
    }
    Http.send(x, all ? 200 : 503, body);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
