package dev.streamtune.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/** The few HTTP helpers serve's handlers share: JSON answers, method checks and status errors. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  private Http() {}

  /** Refuses any method but {@code allowed} with a 405. */
  static void allow(String method, String allowed) {
    if (!method.equalsIgnoreCase(allowed)) {
      throw new HttpError(405, method + " is not allowed here; use " + allowed);
    }
  }

  /** Answers {@code body} as JSON. */
  static void send(HttpExchange x, int status, ObjectNode body) throws IOException {
    send(x, status, "application/json", JSON.writeValueAsBytes(body));
  }

  /** Answers {@code {"error": message, "status": status}}. */
  static void sendError(HttpExchange x, int status, String message) throws IOException {
    send(x, status, JSON.createObjectNode().put("error", message).put("status", status));
  }

  /** Answers bytes of a content type. */
  static void send(HttpExchange x, int status, String contentType, byte[] bytes)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", contentType);
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  /** Answers the process's meters in Prometheus text. */
  static void sendMetrics(HttpExchange x) throws IOException {
    send(
        x,
        200,
        "text/plain; version=0.0.4; charset=utf-8",
        ServeMetrics.prometheus().scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** An answer other than 200, with its message for the {@code error} field. */
  static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final int retryAfterSeconds;

    HttpError(int status, String message) {
      this(status, message, 0);
    }

    /** An answer that tells the client to try again after some seconds ({@code Retry-After}). */
    HttpError(int status, String message, int retryAfterSeconds) {
      super(message);
      this.status = status;
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }
}
