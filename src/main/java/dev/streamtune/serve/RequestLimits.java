package dev.streamtune.serve;

import com.sun.net.httpserver.Headers;
import dev.streamtune.http.Http;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Limits on a request's URI and headers, checked before anything else reads them: a URI over
 * {@value #MAX_URI_CHARS} characters gets a 414; over {@value #MAX_HEADERS} header lines, or over
 * {@value #MAX_HEADER_BYTES} bytes of header names and values, a 431. The JDK server has already
 * bounded what it buffered (200 lines, 384 KiB by default); these are the tighter limits of serve.
 * Bodies are limited by {@code serve.max.body.kib}.
 */
final class RequestLimits {
  /** The longest request URI, path and query. */
  static final int MAX_URI_CHARS = 2048;

  /** The most header lines. */
  static final int MAX_HEADERS = 100;

  /** The most bytes of header names and values together. */
  static final int MAX_HEADER_BYTES = 32 * 1024;

  private RequestLimits() {}

  /**
   * Refuses a request over a limit.
   *
   * @throws Http.HttpError 414 or 431
   */
  static void check(URI uri, Headers headers) {
    if (uri.toString().length() > MAX_URI_CHARS) {
      throw new Http.HttpError(414, "the request URI is over " + MAX_URI_CHARS + " characters");
    }
    int lines = 0;
    long bytes = 0;
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      for (String v : h.getValue()) {
        lines++;
        bytes += h.getKey().length() + (v == null ? 0 : v.length()) + 4;
      }
    }
    if (lines > MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
      throw new Http.HttpError(
          431,
          "the request has "
              + lines
              + " header lines and "
              + bytes
              + " bytes of headers; "
              + "the limits are "
              + MAX_HEADERS
              + " and "
              + MAX_HEADER_BYTES);
    }
  }
}
