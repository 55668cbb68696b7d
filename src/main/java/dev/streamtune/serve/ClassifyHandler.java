package dev.streamtune.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.streamtune.events.ServedAs;
import dev.streamtune.http.Http;
import dev.streamtune.image.ImageDecodeException;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Answers {@code POST /v1/models/{id}:classify}: takes the image from the body (raw, as {@code
 * image/*} or {@code application/octet-stream}, or the first file of a {@code multipart/form-data}
 * body), classifies it with the model's {@link Classifier} and answers the top {@code serve.top.k}
 * labels and the version that answered.
 *
 * <p>It refuses with an {@link Http.HttpError}: a model not served here or never read (404), a
 * model with no version loaded yet (503), more than {@code serve.max.concurrent} classifications at
 * once (503, {@code Retry-After: 1}), a wrong content type (415), a body over {@code
 * serve.max.body.kib} (413, after reading and dropping the rest so the client reads the answer), an
 * empty body or one that is not a decodable image (400). The body is read through {@link
 * ReadTimeout}. Each request is timed in {@code streamtune.serve.requests{model,outcome}}, and
 * {@code streamtune.serve.classifications.active} counts those running. Each classification is
 * handed to the {@link PredictionLog}, which publishes the sample {@code serve.predictions.sample}
 * draws.
 *
 * <p>While {@code serve.challenger.mode} is on and a model has a challenger, {@code
 * serve.challenger.share} of its requests are drawn: in split mode the challenger answers them
 * ({@code "servedAs":"challenger"}), in shadow mode the champion answers and the challenger then
 * classifies the same image for a SHADOW prediction, after the answer is sent. Thread-safe.
 */
final class ClassifyHandler {
  private final ModelSubscriber subscriber;
  private final ServeConfig config;
  private final ReadTimeout reads;
  private final Semaphore classifications;
  private final ServeMetrics metrics;
  private final PredictionLog predictions;

  ClassifyHandler(
      ModelSubscriber subscriber,
      ServeConfig config,
      ReadTimeout reads,
      ServeMetrics metrics,
      PredictionLog predictions) {
    this.metrics = metrics;
    this.predictions = predictions;
    this.subscriber = subscriber;
    this.config = config;
    this.reads = reads;
    this.classifications = new Semaphore(config.maxConcurrent());
  }

  /**
   * Classifies the request's image with {@code modelId}'s classifier and answers 200, or throws.
   */
  void classify(HttpExchange x, String modelId) throws IOException {
    Timer.Sample sample = Timer.start();
    String outcome = "error";
    Runnable shadow = null;
    try {
      if (!config.serves(modelId)
          || (!subscriber.models().contains(modelId) && !config.models().contains(modelId))) {
        outcome = "unknown-model";
        throw new Http.HttpError(
            404,
            config.serves(modelId)
                ? "unknown model " + modelId
                : "model " + modelId + " is not served here (serve.models)");
      }
      Classifier c =
          subscriber
              .classifier(modelId)
              .orElseThrow(
                  () -> new Http.HttpError(503, "model " + modelId + " has no version loaded yet"));
      if (!classifications.tryAcquire()) {
        outcome = "busy";
        throw new Http.HttpError(
            503,
            "serve.max.concurrent ("
                + config.maxConcurrent()
                + ") classifications are "
                + "running; try again",
            1);
      }
      Prediction p;
      byte[] image;
      Optional<Classifier> challenger = subscriber.challenger(modelId);
      boolean challenged = challenger.isPresent() && config.challenger().draw();
      boolean split = challenged && config.challenger().mode() == ChallengerConfig.Mode.SPLIT;
      metrics.active().incrementAndGet();
      try {
        image = image(x);
        Prediction tried = split ? tryClassify(challenger.get(), image) : null;
        split = tried != null;
        p = split ? tried : c.classify(image, config.topK());
        predictions.record(p, image, Map.of(), split ? ServedAs.CHALLENGER : ServedAs.CHAMPION);
      } catch (ImageDecodeException e) {
        outcome = "bad-image";
        throw new Http.HttpError(400, "the body is not a decodable image: " + e.getMessage());
      } finally {
        metrics.active().decrementAndGet();
        classifications.release();
      }
      ObjectNode out =
          Http.JSON
              .createObjectNode()
              .put("model", p.modelId())
              .put("version", p.version())
              .put("margin", p.margin())
              .put("entropy", p.entropy())
              .put("servedAs", split ? "challenger" : "champion");
      ArrayNode labels = out.putArray("labels");
      p.labels()
          .forEach(
              s -> labels.addObject().put("label", s.label()).put("probability", s.probability()));
      Http.send(x, 200, out);
      outcome = "ok";
      if (challenged && !split) {
        Prediction answered = p;
        byte[] seen = image;
        shadow = () -> shadow(challenger.get(), answered, seen);
      }
    } catch (Http.HttpError e) {
      outcome = outcome.equals("error") ? "status-" + e.status : outcome;
      throw e;
    } finally {
      metrics.request(sample, modelId, outcome);
    }
    if (shadow != null) {
      shadow.run();
    }
  }

  /** The challenger's answer, or null when it was unloaded since the request began. */
  private Prediction tryClassify(Classifier challenger, byte[] image) {
    try {
      return challenger.classify(image, config.topK());
    } catch (Classifier.NotLoadedException e) {
      return null;
    }
  }

  /**
   * Lets the challenger classify an image the champion answered, once the answer is sent and the
   * request timed, and publishes it as a SHADOW prediction; a challenger unloaded meanwhile is
   * skipped.
   */
  private void shadow(Classifier challenger, Prediction answered, byte[] image) {
    Prediction s = tryClassify(challenger, image);
    if (s != null) {
      predictions.shadow(s, answered, image, Map.of());
    }
  }

  private byte[] image(HttpExchange x) throws IOException {
    String type = x.getRequestHeaders().getFirst("Content-Type");
    String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
    var boundary = Multipart.boundary(type);
    if (boundary.isEmpty()
        && !lower.startsWith("image/")
        && !lower.startsWith("application/octet-stream")) {
      throw new Http.HttpError(
          415,
          "send the image as the body (image/* or application/octet-stream) or as a "
              + "multipart/form-data file, not "
              + (type == null ? "no content type" : type));
    }
    byte[] body = body(x);
    if (boundary.isEmpty()) {
      return body;
    }
    try {
      return Multipart.firstFile(body, boundary.get());
    } catch (IllegalArgumentException e) {
      throw new Http.HttpError(400, e.getMessage());
    }
  }

  /**
   * Reads the body. A 408 leaves the stream unclosed: closing it would drain the rest from the slow
   * client; the exchange's close, after the answer, cuts the connection instead.
   */
  private byte[] body(HttpExchange x) throws IOException {
    String length = x.getRequestHeaders().getFirst("Content-Length");
    InputStream in = x.getRequestBody();
    if (length != null
        && length.matches("\\d{1,18}")
        && Long.parseLong(length) > config.maxBodyBytes()) {
      drain(in);
      in.close();
      throw new Http.HttpError(
          413, "the body has " + length + " bytes; the limit is " + config.maxBodyBytes());
    }
    byte[] data = reads.read(in, config.maxBodyBytes());
    if (data.length > config.maxBodyBytes()) {
      drain(in);
      in.close();
      throw new Http.HttpError(
          413, "the body is over the limit of " + config.maxBodyBytes() + " bytes");
    }
    in.close();
    if (data.length == 0) {
      throw new Http.HttpError(400, "the body is empty");
    }
    return data;
  }

  /**
   * Reads and drops what is left of a refused body (up to 64 MiB), so the client reads the answer.
   */
  private static void drain(InputStream in) throws IOException {
    long left = 64L << 20;
    byte[] buf = new byte[64 * 1024];
    int n;
    while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
      left -= n;
    }
  }
}
