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
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * {@link BearerAuth}). A known model with no version loaded yet is 503.
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

  private ServeServer(ServeConfig config, ModelSubscriber subscriber, Dashboard dashboard) throws IOException {
    this.config = config;
    this.subscriber = subscriber;
    this.dashboard = dashboard;
    this.auth = BearerAuth.of(config.authToken());
    this.server = HttpServer.create(new InetSocketAddress(config.port()), 64);
    this.workers = Executors.newFixedThreadPool(config.threads(), r -> {
      Thread t = new Thread(r, "serve-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(workers);
    server.createContext("/", this::handle);
  }

  /** Starts serving the subscriber's models, and the dashboard at {@code /}. */
  static ServeServer start(ServeConfig config, ModelSubscriber subscriber, Dashboard dashboard) {
    System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    ServeMetrics.prometheus();
    try {
      ServeServer s = new ServeServer(config, subscriber, dashboard);
      s.server.start();
      LOG.info("Serving on http://localhost:{}/{}", s.port(), s.auth.enabled() ? " (bearer token required)" : "");
      return s;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot listen on port " + config.port() + ": " + e.getMessage(), e);
    }
  }

  /** Whether it is caught up with {@code models.versions} and each model of {@code serve.models} is loaded. */
  boolean ready() {
    return subscriber.ready(config.models());
  }

  /** The port listened on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(1);
    workers.shutdown();
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
      RequestLimits.check(x.getRequestURI(), x.getRequestHeaders());
      auth.check(x, path);
      Matcher classify = CLASSIFY.matcher(path);
      Matcher versions = VERSIONS.matcher(path);
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
        Http.send(x, 200, JSON.createObjectNode().put("status", "UP"));
      } else if (path.equals("/readyz")) {
        Http.allow(method, "GET");
        boolean ready = ready();
        Http.send(x, ready ? 200 : 503, JSON.createObjectNode().put("status", ready ? "READY" : "LOADING"));
      } else if (path.equals("/metrics")) {
        Http.allow(method, "GET");
        Http.sendMetrics(x);
      } else if (!dashboard.handle(x, path, method)) {
        throw new Http.Error(404, "no such resource: " + path);
      }
    } catch (Http.Error e) {
      Http.send(x, e.status, JSON.createObjectNode().put("error", e.getMessage()).put("status", e.status));
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
      byte[] image = image(x);
      Prediction p;
      try {
        p = c.classify(image, config.topK());
      } catch (ImageDecodeException e) {
        outcome = "bad-image";
        throw new Http.Error(400, "the body is not a decodable image: " + e.getMessage());
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

  private byte[] body(HttpExchange x) throws IOException {
    String length = x.getRequestHeaders().getFirst("Content-Length");
    try (InputStream in = x.getRequestBody()) {
      if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > config.maxBodyBytes()) {
        drain(in);
        throw new Http.Error(413, "the body has " + length + " bytes; the limit is " + config.maxBodyBytes());
      }
      byte[] data = in.readNBytes(config.maxBodyBytes() + 1);
      if (data.length > config.maxBodyBytes()) {
        drain(in);
        throw new Http.Error(413, "the body is over the limit of " + config.maxBodyBytes() + " bytes");
      }
      if (data.length == 0) {
        throw new Http.Error(400, "the body is empty");
      }
      return data;
    }
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
