package dev.streamtune.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.streamtune.http.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamtune serve}'s HTTP API on the JDK's own HTTP server: a handful of JSON endpoints
 * need no servlet stack, and Javalin would bring a second Jetty beside S3Proxy's.
 *
 * <ul>
 *   <li>{@code POST /v1/models/{id}:classify}: an image as the raw body ({@code image/*} or {@code
 *       application/octet-stream}) or as a {@code multipart/form-data} file; answers the top labels
 *       and the version that answered;
 *   <li>{@code GET /v1/models}: each served model, its version, accuracy, mode and labels;
 *   <li>{@code GET /v1/models/{id}/versions}: every version read, REJECTED ones with their reasons;
 *   <li>{@code GET /healthz}; {@code GET /readyz}, 200 once each configured model is loaded;
 *   <li>{@code GET /metrics}: Prometheus text, every meter of the process;
 *   <li>the {@link Dashboard} at {@code /}, with its own JSON endpoints, when the serve role runs
 *       it.
 * </ul>
 *
 * <p>Responses go out with TCP_NODELAY ({@code sun.net.httpserver.nodelay}, which the JDK reads
 * once, when the process's first HTTP server starts; a service embedding this one should set it at
 * start): with Nagle's algorithm, the headers and the body of a small answer wait for the client's
 * delayed ACK, about 40 ms per request at concurrency 1.
 *
 * <p>Bad requests get a 4xx and {@code {"error": …, "status": …}}: an unknown model (404), a wrong
 * content type (415), a body over {@code serve.max.body.kib} (413), a body that is not a decodable
 * image (400), a wrong method (405), a URI or headers over the {@link RequestLimits} (414, 431), a
 * missing or wrong bearer token when {@code serve.auth.token} is set (401, see {@link BearerAuth}).
 * A known model with no version loaded yet is 503, and so is a classification beyond {@code
 * serve.max.concurrent} running at once (with {@code Retry-After: 1}). A request that takes longer
 * than {@code serve.read.timeout} to arrive is answered 408 or cut off (see {@link ReadTimeout}).
 *
 * <p>It listens on {@code serve.bind}: {@code 127.0.0.1} unless a bearer token is set, and warns
 * loudly when it listens beyond the host without one.
 *
 * <p>This class owns the listener and its threads, and turns what a request throws into its answer;
 * {@link ServeRoutes} decides what answers each request, and {@link ClassifyHandler} answers the
 * classifications.
 */
public final class ServeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServeServer.class);
  private final HttpServer server;
  private final ExecutorService workers;
  private final BearerAuth auth;
  private final ReadTimeout reads;
  private final ServeRoutes routes;

  private ServeServer(
      ServeConfig config,
      ModelSubscriber subscriber,
      Dashboard dashboard,
      ServeMetrics metrics,
      PredictionLog predictions)
      throws IOException {
    this.auth = BearerAuth.of(config.authToken(), metrics);
    this.server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByName(config.bind()), config.port()), 64);
    this.workers =
        Executors.newFixedThreadPool(
            config.threads(),
            r -> {
              Thread t = new Thread(r, "serve-http");
              t.setDaemon(true);
              return t;
            });
    this.reads = new ReadTimeout(config.readTimeout(), workers);
    this.routes = new ServeRoutes(config, subscriber, dashboard, auth, reads, metrics, predictions);
    server.setExecutor(reads.executor());
    server.createContext("/", this::handle);
  }

  /** Starts serving the subscriber's models, and the dashboard at {@code /}. */
  static ServeServer start(
      ServeConfig config,
      ModelSubscriber subscriber,
      Dashboard dashboard,
      ServeMetrics metrics,
      PredictionLog predictions) {
    System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    try {
      ServeServer s = new ServeServer(config, subscriber, dashboard, metrics, predictions);
      s.server.start();
      LOG.info(
          "Serving on http://{}:{}/{}",
          config.bind(),
          s.port(),
          s.auth.enabled() ? " (bearer token required)" : "");
      if (!s.auth.enabled() && !config.loopbackOnly()) {
        LOG.warn(
            "SERVE LISTENS ON {} WITHOUT AUTHENTICATION: any host that reaches port {} can classify and read "
                + "the models and dead letters. Set STREAMTUNE_SERVE_AUTH_TOKEN, or serve.bind=127.0.0.1 behind a "
                + "proxy that authenticates.",
            config.bind(),
            s.port());
      }
      return s;
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot listen on port " + config.port() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether it is caught up with {@code models.versions}, each model of {@code serve.models} is
   * loaded, and the subscriber has not been stuck for {@code serve.subscriber.max.stuck} or longer.
   */
  boolean ready() {
    return routes.ready();
  }

  /** Whether the subscriber still follows the topic, or retries: false once it stopped for good. */
  boolean alive() {
    return routes.alive();
  }

  /** The port listened on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(1);
    workers.shutdown();
    reads.close();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    String method = x.getRequestMethod();
    try {
      routes.route(x, path, method);
    } catch (Http.HttpError e) {
      if (e.status == 503 && e.retryAfterSeconds > 0) {
        x.getResponseHeaders().set("Retry-After", Integer.toString(e.retryAfterSeconds));
      }
      if (e.status == 408) {
        x.getResponseHeaders().set("Connection", "close");
      }
      Http.sendError(x, e.status, e.getMessage());
      if (e.status == 408) {
        x.getResponseBody().flush();
        reads.closeAfterAnswer();
      }
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", method, path, e);
      Http.sendError(x, 500, "internal error: " + e);
    } finally {
      x.close();
    }
  }
}
