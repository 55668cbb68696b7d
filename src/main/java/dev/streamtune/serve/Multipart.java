package dev.streamtune.serve;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The first file part of a {@code multipart/form-data} body (a part with a {@code filename}, or
 * else the first part), as browsers and {@code curl -F image=@cat.jpg} send it.
 */
final class Multipart {
  /** The longest boundary, as RFC 2046 allows. */
  static final int MAX_BOUNDARY = 70;

  /** The most parts read before the file. */
  static final int MAX_PARTS = 32;

  /** The most bytes of one part's headers. */
  static final int MAX_PART_HEADERS = 8 * 1024;

  private Multipart() {}

  /** The boundary of a multipart content type, if it is one. */
  static Optional<String> boundary(String contentType) {
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return Optional.empty();
    }
    for (String param : contentType.split(";")) {
      String p = param.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String b = p.substring("boundary=".length());
        return Optional.of(
            b.startsWith("\"") && b.endsWith("\"") && b.length() > 1
                ? b.substring(1, b.length() - 1)
                : b);
      }
    }
    return Optional.empty();
  }

  /**
   * The file's bytes.
   *
   * @throws IllegalArgumentException if the body has no part, the boundary is empty or over {@value
   *     #MAX_BOUNDARY} characters, a part's headers are over {@value #MAX_PART_HEADERS} bytes, or
   *     there are over {@value #MAX_PARTS} parts
   */
  static byte[] firstFile(byte[] body, String boundary) {
    if (boundary.isEmpty() || boundary.length() > MAX_BOUNDARY) {
      throw new IllegalArgumentException(
          "the multipart boundary must have 1 to " + MAX_BOUNDARY + " characters");
    }
    int parts = 0;
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    byte[] first = null;
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int headersStart = at + delimiter.length;
      if (headersStart + 1 < body.length
          && body[headersStart] == '-'
          && body[headersStart + 1] == '-') {
        break;
      }
      int headersEnd =
          indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      int next =
          indexOf(
              body,
              ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1),
              Math.max(headersStart, headersEnd));
      if (headersEnd < 0 || next < 0) {
        break;
      }
      if (headersEnd - headersStart > MAX_PART_HEADERS || ++parts > MAX_PARTS) {
        throw new IllegalArgumentException(
            "a multipart body may have up to "
                + MAX_PARTS
                + " parts with up to "
                + MAX_PART_HEADERS
                + " bytes of headers each");
      }
      String headers =
          new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1);
      byte[] content = Arrays.copyOfRange(body, headersEnd + 4, next);
      if (headers.toLowerCase(Locale.ROOT).contains("filename=")) {
        return content;
      }
      first = first == null ? content : first;
      at = next + 2;
    }
    if (first == null) {
      throw new IllegalArgumentException("the multipart body has no part");
    }
    return first;
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
