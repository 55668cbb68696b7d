package dev.streamtune.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.ml.ImageDecodeException;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamtune serve}'s HTTP API on the JDK's own HTTP server: a handful of JSON endpoints
 * need no servlet stack, and Javalin would bring a second Jetty beside S3Proxy's.
 *
 * <ul>
 *   <li>{@code POST /v1/models/{id}:classify}: an image as the raw body ({@code image/*} or
 *       {@code application/octet-stream}) or as a {@code multipart/form-data} file; answers the
 *       top labels and the version that answered;
 *   <li>{@code GET /v1/models}: each served model, its version, accuracy, mode and labels;
 *   <li>{@code GET /v1/models/{id}/versions}: every version read, REJECTED ones with their reasons;
 *   <li>{@code GET /healthz}; {@code GET /readyz}, 200 once each configured model is loaded;
 *   <li>{@code GET /metrics}: Prometheus text, every meter of the process;
 *   <li>the {@link Dashboard} at {@code /}, with its own JSON endpoints, when the serve role runs it.
 * </ul>
 *
 * <p>Responses go out with TCP_NODELAY ({@code sun.net.httpserver.nodelay}, which the JDK reads
 * once, when the process's first HTTP server starts; a service embedding this one should set it
 * at start): with Nagle's algorithm, the headers and the body of a small answer wait for the
 * client's delayed ACK, about 40 ms per request at concurrency 1.
 *
 * <p>Bad requests get a 4xx and {@code {"error": …, "status": …}}: an unknown model (404), a wrong
 * content type (415), a body over {@code serve.max.body.kib} (413), a body that is not a
 * decodable image (400), a wrong method (405), a URI or headers over the {@link RequestLimits}
 * (414, 431), a missing or wrong bearer token when {@code serve.auth.token} is set (401, see
 * {@link BearerAuth}). A known model with no version loaded yet is 503, and so is a classification
 * beyond {@code serve.max.concurrent} running at once (with {@code Retry-After: 1}). A request
 * that takes longer than {@code serve.read.timeout} to arrive is answered 408 or cut off (see
 * {@link ReadTimeout}).
 *
 * <p>It listens on {@code serve.bind}: {@code 127.0.0.1} unless a bearer token is set, and warns
 * loudly when it listens beyond the host without one.
 */
public final class ServeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServeServer.class);
  private static final ObjectMapper JSON = Http.JSON;
  private static final Pattern CLASSIFY = Pattern.compile("/v1/models/([A-Za-z0-9._-]{1,64}):classify");
  private static final Pattern VERSIONS = Pattern.compile("/v1/models/([A-Za-z0-9._-]{1,64})/versions");
  private final HttpServer server;
  private final ExecutorService workers;
  private final ModelSubscriber subscriber;
  private final ServeConfig config;
  private final Dashboard dashboard;
  private final BearerAuth auth;
  private final ReadTimeout reads;
  private final Semaphore classifications;

  private ServeServer(ServeConfig config, ModelSubscriber subscriber, Dashboard dashboard) throws IOException {
    this.config = config;
    this.subscriber = subscriber;
    this.dashboard = dashboard;
    this.auth = BearerAuth.of(config.authToken());
    this.classifications = new Semaphore(config.maxConcurrent());
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(config.bind()), config.port()), 64);
    this.workers = Executors.newFixedThreadPool(config.threads(), r -> {
      Thread t = new Thread(r, "serve-http");
      t.setDaemon(true);
      return t;
    });
    this.reads = new ReadTimeout(config.readTimeout(), workers);
    server.setExecutor(reads.executor());
    server.createContext("/", this::handle);
  }

  /** Starts serving the subscriber's models, and the dashboard at {@code /}. */
  static ServeServer start(ServeConfig config, ModelSubscriber subscriber, Dashboard dashboard) {
    System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    ServeMetrics.prometheus();
    try {
      ServeServer s = new ServeServer(config, subscriber, dashboard);
      s.server.start();
      LOG.info("Serving on http://{}:{}/{}", config.bind(), s.port(),
          s.auth.enabled() ? " (bearer token required)" : "");
      if (!s.auth.enabled() && !config.loopbackOnly()) {
        LOG.warn("SERVE LISTENS ON {} WITHOUT AUTHENTICATION: any host that reaches port {} can classify and read "
            + "the models and dead letters. Set STREAMTUNE_SERVE_AUTH_TOKEN, or serve.bind=127.0.0.1 behind a "
            + "proxy that authenticates.", config.bind(), s.port());
      }
      return s;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot listen on port " + config.port() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether it is caught up with {@code models.versions}, each model of {@code serve.models} is
   * loaded, and the subscriber has not been stuck for {@code serve.subscriber.max.stuck} or longer.
   */
  boolean ready() {
    return subscriber.ready(config.models()) && !subscriber.status().stuckFor(config.maxStuck());
  }

  /** Whether the subscriber still follows the topic, or retries: false once it stopped for good. */
  boolean alive() {
    return subscriber.status().alive();
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
      Matcher classify = CLASSIFY.matcher(path);
      Matcher versions = VERSIONS.matcher(path);
      reads.headersRead(classify.matches() && method.equalsIgnoreCase("POST"));
      RequestLimits.check(x.getRequestURI(), x.getRequestHeaders());
      auth.check(x, path);
      if (classify.matches()) {
        Http.allow(method, "POST");
        classify(x, classify.group(1));
      } else if (path.equals("/v1/models")) {
        Http.allow(method, "GET");
        Http.send(x, 200, models());
      } else if (versions.matches()) {
        Http.allow(method, "GET");
        Http.send(x, 200, versions(versions.group(1)));
      } else if (path.equals("/healthz")) {
        Http.allow(method, "GET");
        boolean alive = alive();
        Http.send(x, alive ? 200 : 503, problem(JSON.createObjectNode().put("status", alive ? "UP" : "DOWN")));
      } else if (path.equals("/readyz")) {
        Http.allow(method, "GET");
        boolean ready = ready();
        Http.send(x, ready ? 200 : 503, problem(JSON.createObjectNode().put("status", ready ? "READY" : "LOADING")));
      } else if (path.equals("/metrics")) {
        Http.allow(method, "GET");
        Http.sendMetrics(x);
      } else if (!dashboard.handle(x, path, method)) {
        throw new Http.Error(404, "no such resource: " + path);
      }
    } catch (Http.Error e) {
      if (e.status == 503 && e.retryAfterSeconds > 0) {
        x.getResponseHeaders().set("Retry-After", Integer.toString(e.retryAfterSeconds));
      }
      if (e.status == 408) {
        x.getResponseHeaders().set("Connection", "close");
      }
      Http.send(x, e.status, JSON.createObjectNode().put("error", e.getMessage()).put("status", e.status));
      if (e.status == 408) {
        x.getResponseBody().flush();
        reads.closeAfterAnswer();
      }
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", method, path, e);
      Http.send(x, 500, JSON.createObjectNode().put("error", "internal error: " + e).put("status", 500));
    } finally {
      x.close();
    }
  }

  private void classify(HttpExchange x, String modelId) throws IOException {
    Timer.Sample sample = Timer.start();
    String outcome = "error";
    try {
      if (!config.serves(modelId) || (!subscriber.models().contains(modelId) && !config.models().contains(modelId))) {
        outcome = "unknown-model";
        throw new Http.Error(404, config.serves(modelId) ? "unknown model " + modelId
            : "model " + modelId + " is not served here (serve.models)");
      }
      Classifier c = subscriber.classifier(modelId).orElseThrow(() ->
          new Http.Error(503, "model " + modelId + " has no version loaded yet"));
      if (!classifications.tryAcquire()) {
        outcome = "busy";
        throw new Http.Error(503, "serve.max.concurrent (" + config.maxConcurrent() + ") classifications are "
            + "running; try again", 1);
      }
      Prediction p;
      ServeMetrics.active().incrementAndGet();
      try {
        p = c.classify(image(x), config.topK());
      } catch (ImageDecodeException e) {
        outcome = "bad-image";
        throw new Http.Error(400, "the body is not a decodable image: " + e.getMessage());
      } finally {
        ServeMetrics.active().decrementAndGet();
        classifications.release();
      }
      ObjectNode out = JSON.createObjectNode().put("model", p.modelId()).put("version", p.version());
      ArrayNode labels = out.putArray("labels");
      p.labels().forEach(s -> labels.addObject().put("label", s.label()).put("probability", s.probability()));
      Http.send(x, 200, out);
      outcome = "ok";
    } catch (Http.Error e) {
      outcome = outcome.equals("error") ? "status-" + e.status : outcome;
      throw e;
    } finally {
      sample.stop(Timer.builder("streamtune.serve.requests").description("classify requests")
          .tag("model", modelId).tag("outcome", outcome).publishPercentileHistogram()
          .register(Metrics.globalRegistry));
    }
  }

  private byte[] image(HttpExchange x) throws IOException {
    String type = x.getRequestHeaders().getFirst("Content-Type");
    String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
    var boundary = Multipart.boundary(type);
    if (boundary.isEmpty() && !lower.startsWith("image/") && !lower.startsWith("application/octet-stream")) {
      throw new Http.Error(415, "send the image as the body (image/* or application/octet-stream) or as a "
          + "multipart/form-data file, not " + (type == null ? "no content type" : type));
    }
    byte[] body = body(x);
    if (boundary.isEmpty()) {
      return body;
    }
    try {
      return Multipart.firstFile(body, boundary.get());
    } catch (IllegalArgumentException e) {
      throw new Http.Error(400, e.getMessage());
    }
  }

  /**
   * Reads the body. A 408 leaves the stream unclosed: closing it would drain the rest from the slow
   * client; the exchange's close, after the answer, cuts the connection instead.
   */
  private byte[] body(HttpExchange x) throws IOException {
    String length = x.getRequestHeaders().getFirst("Content-Length");
    InputStream in = x.getRequestBody();
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > config.maxBodyBytes()) {
      drain(in);
      in.close();
      throw new Http.Error(413, "the body has " + length + " bytes; the limit is " + config.maxBodyBytes());
    }
    byte[] data = reads.read(in, config.maxBodyBytes());
    if (data.length > config.maxBodyBytes()) {
      drain(in);
      in.close();
      throw new Http.Error(413, "the body is over the limit of " + config.maxBodyBytes() + " bytes");
    }
    in.close();
    if (data.length == 0) {
      throw new Http.Error(400, "the body is empty");
    }
    return data;
  }

  /** Reads and drops what is left of a refused body (up to 64 MiB), so the client reads the answer. */
  private static void drain(InputStream in) throws IOException {
    long left = 64L << 20;
    byte[] buf = new byte[64 * 1024];
    int n;
    while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
      left -= n;
    }
  }

  /** Adds what is wrong with the subscriber, if anything, to a probe's answer. */
  private ObjectNode problem(ObjectNode body) {
    subscriber.status().problem().ifPresent(p -> body.put("problem", p));
    return body;
  }

  private ObjectNode models() {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("models");
    subscriber.classifiers().forEach((m, c) -> c.served().ifPresent(v -> {
      ObjectNode n = list.addObject().put("model", m).put("version", v.getVersion())
          .put("accuracy", v.getMetrics().getAccuracy()).put("mode", v.getTraining().getMode().toString())
          .put("createdAt", v.getCreatedAt().toString());
      v.getLabels().forEach(n.putArray("labels")::add);
    }));
    return out;
  }

  private ObjectNode versions(String modelId) {
    List<ModelVersion> all = subscriber.history(modelId);
    if (all.isEmpty()) {
      throw new Http.Error(404, "unknown model " + modelId);
    }
    ObjectNode out = JSON.createObjectNode().put("model", modelId);
    int served = subscriber.classifier(modelId).flatMap(Classifier::served).map(ModelVersion::getVersion).orElse(0);
    ArrayNode list = out.putArray("versions");
    for (ModelVersion v : all) {
      list.addObject().put("version", v.getVersion()).put("status", v.getStatus().toString())
          .put("reason", v.getReason()).put("accuracy", v.getMetrics().getAccuracy())
          .put("mode", v.getTraining().getMode().toString()).put("served", v.getVersion() == served)
          .put("createdAt", v.getCreatedAt().toString());
    }
    return out;
  }

}
