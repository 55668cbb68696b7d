package dev.streamtune.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.health.Meters;
import dev.streamtune.http.Http;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes each request of {@link ServeServer} to what answers it, after the checks every request
 * gets: it tells {@link ReadTimeout} whether a body is to come, then applies the {@link
 * RequestLimits} and the {@link BearerAuth}. {@code POST /v1/models/{id}:classify} goes to the
 * {@link ClassifyHandler}; it answers the read-only endpoints itself ({@code GET /v1/models},
 * {@code GET /v1/models/{id}/versions}, the probes {@code /healthz} and {@code /readyz}, and {@code
 * /metrics}); any other path goes to the {@link Dashboard}, and a 404 when that does not know it
 * either. A wrong method is a 405. Failures are thrown as {@link Http.HttpError}, for the server to
 * answer. Thread-safe.
 */
final class ServeRoutes {
  private static final Pattern CLASSIFY =
      Pattern.compile("/v1/models/([A-Za-z0-9._-]{1,64}):classify");
  private static final Pattern VERSIONS =
      Pattern.compile("/v1/models/([A-Za-z0-9._-]{1,64})/versions");
  private final ServeConfig config;
  private final ModelSubscriber subscriber;
  private final Dashboard dashboard;
  private final BearerAuth auth;
  private final ReadTimeout reads;
  private final ClassifyHandler classify;
  private final ServeMetrics metrics;

  ServeRoutes(
      ServeConfig config,
      ModelSubscriber subscriber,
      Dashboard dashboard,
      BearerAuth auth,
      ReadTimeout reads,
      ServeMetrics metrics,
      PredictionLog predictions) {
    this.metrics = metrics;
    this.config = config;
    this.subscriber = subscriber;
    this.dashboard = dashboard;
    this.auth = auth;
    this.reads = reads;
    this.classify = new ClassifyHandler(subscriber, config, reads, metrics, predictions);
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

  /**
   * Whether a body follows the headers, on any route: one that is never read is still drained when
   * the exchange closes, so its read timeout must hold too.
   */
  private static boolean hasBody(HttpExchange x) {
    String length = x.getRequestHeaders().getFirst("Content-Length");
    return x.getRequestHeaders().containsKey("Transfer-Encoding")
        || (length != null && !length.trim().equals("0"));
  }

  /** Checks and answers one request, or throws the {@link Http.HttpError} to answer. */
  void route(HttpExchange x, String path, String method) throws IOException {
    Matcher classifying = CLASSIFY.matcher(path);
    Matcher versions = VERSIONS.matcher(path);
    reads.headersRead(hasBody(x));
    RequestLimits.check(x.getRequestURI(), x.getRequestHeaders());
    auth.check(x, path);
    if (classifying.matches()) {
      Http.allow(method, "POST");
      classify.classify(x, classifying.group(1));
    } else if (path.equals("/v1/models")) {
      Http.allow(method, "GET");
      Http.send(x, 200, models());
    } else if (versions.matches()) {
      Http.allow(method, "GET");
      Http.send(x, 200, versions(versions.group(1)));
    } else if (path.equals("/healthz")) {
      probe(x, method, alive(), "UP", "DOWN");
    } else if (path.equals("/readyz")) {
      probe(x, method, ready(), "READY", "LOADING");
    } else if (path.equals("/metrics")) {
      Http.allow(method, "GET");
      Meters.send(x, metrics.registry());
    } else if (!dashboard.handle(x, path, method)) {
      throw new Http.HttpError(404, "no such resource: " + path);
    }
  }

  /**
   * Answers a probe: 200 and {@code up}, or 503 and {@code down}; with the subscriber's problem, if
   * any.
   */
  private void probe(HttpExchange x, String method, boolean ok, String up, String down)
      throws IOException {
    Http.allow(method, "GET");
    ObjectNode body = Http.JSON.createObjectNode().put("status", ok ? up : down);
    subscriber.status().problem().ifPresent(p -> body.put("problem", p));
    Http.send(x, ok ? 200 : 503, body);
  }

  private ObjectNode models() {
    ObjectNode out = Http.JSON.createObjectNode();
    ArrayNode list = out.putArray("models");
    subscriber
        .classifiers()
        .forEach(
            (m, c) ->
                c.served()
                    .ifPresent(
                        v -> {
                          ObjectNode n =
                              list.addObject()
                                  .put("model", m)
                                  .put("version", v.getVersion())
                                  .put("accuracy", v.getMetrics().getAccuracy())
                                  .put("mode", v.getTraining().getMode().toString())
                                  .put("createdAt", v.getCreatedAt().toString());
                          v.getLabels().forEach(n.putArray("labels")::add);
                        }));
    return out;
  }

  private ObjectNode versions(String modelId) {
    List<ModelVersion> all = subscriber.history(modelId);
    if (all.isEmpty()) {
      throw new Http.HttpError(404, "unknown model " + modelId);
    }
    ObjectNode out = Http.JSON.createObjectNode().put("model", modelId);
    int served = subscriber.servedVersion(modelId);
    ArrayNode list = out.putArray("versions");
    for (ModelVersion v : all) {
      list.addObject()
          .put("version", v.getVersion())
          .put("status", v.getStatus().toString())
          .put("reason", v.getReason())
          .put("accuracy", v.getMetrics().getAccuracy())
          .put("mode", v.getTraining().getMode().toString())
          .put("served", v.getVersion() == served)
          .put("createdAt", v.getCreatedAt().toString());
    }
    return out;
  }
}
