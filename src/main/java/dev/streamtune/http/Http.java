package dev.streamtune.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What every HTTP endpoint of a worker shares: JSON and byte answers, {@code {"error": …, "status":
 * …}} errors, method checks, bodies read within a limit, and path segments. A handler throws {@link
 * HttpError} for any answer other than 200, and the server's one handler writes it with {@link
 * #sendError}.
 *
 * <pre>{@code
 * Http.allow(x.getRequestMethod(), "POST");
 * JsonNode body = Http.JSON.readTree(Http.readAtMost(x.getRequestBody(), 1 << 20));
 * Http.send(x, 200, Http.JSON.createObjectNode().put("ok", true));
 * }</pre>
 */
public final class Http {
  /** The JSON mapper every endpoint writes and reads with. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private Http() {}

  /**
   * Refuses any method but {@code allowed}.
   *
   * @throws HttpError 405
   */
  public static void allow(String method, String allowed) {
    if (!method.equalsIgnoreCase(allowed)) {
      throw new HttpError(405, method + " is not allowed here; use " + allowed);
    }
  }

  /** Answers {@code body} as JSON. */
  public static void send(HttpExchange x, int status, JsonNode body) throws IOException {
    send(x, status, "application/json", JSON.writeValueAsBytes(body));
  }

  /** Answers {@code {"error": message, "status": status}}. */
  public static void sendError(HttpExchange x, int status, String message) throws IOException {
    send(x, status, JSON.createObjectNode().put("error", message).put("status", status));
  }

  /** Answers bytes of a content type. */
  public static void send(HttpExchange x, int status, String contentType, byte[] bytes)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", contentType);
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  /**
   * Reads a whole body of at most {@code limit} bytes, never more into memory.
   *
   * @throws HttpError 413 when the body is longer
   */
  public static byte[] readAtMost(InputStream in, int limit) throws IOException {
    byte[] bytes = in.readNBytes(limit + 1);
    if (bytes.length > limit) {
      throw new HttpError(413, "the body is over the limit of " + limit + " bytes");
    }
    return bytes;
  }

  /** The decoded segments of a URI's path, without empty ones: {@code /a/b%2Fc/} is [a, b/c]. */
  public static List<String> segments(URI uri) {
    return Arrays.stream(uri.getRawPath().split("/"))
        .filter(s -> !s.isEmpty())
        .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
        .toList();
  }

  /** An answer other than 200, with its message for the {@code error} field. */
  public static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status to answer. */
    public final int status;

    /** Seconds for a {@code Retry-After} header, or 0 for none. */
    public final int retryAfterSeconds;

    /** An answer of {@code status} with {@code message}. */
    public HttpError(int status, String message) {
      this(status, message, 0);
    }

    /** An answer that tells the client to try again after some seconds ({@code Retry-After}). */
    public HttpError(int status, String message, int retryAfterSeconds) {
      super(message);
      this.status = status;
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }
}
