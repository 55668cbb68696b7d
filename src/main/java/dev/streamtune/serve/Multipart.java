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
  private Multipart() {}

  /** The boundary of a multipart content type, if it is one. */
  static Optional<String> boundary(String contentType) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return Optional.empty();
    }
    for (String param : contentType.split(";")) {
      String p = param.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String b = p.substring("boundary=".length());
        return Optional.of(b.startsWith("\"") && b.endsWith("\"") && b.length() > 1 ? b.substring(1, b.length() - 1) : b);
      }
    }
    return Optional.empty();
  }

  /**
   * The file's bytes.
   *
   * @throws IllegalArgumentException if the body has no part
   */
  static byte[] firstFile(byte[] body, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    byte[] first = null;
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int headersStart = at + delimiter.length;
      if (headersStart + 1 < body.length && body[headersStart] == '-' && body[headersStart + 1] == '-') {
        break;
      }
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), Math.max(headersStart,
          headersEnd));
      if (headersEnd < 0 || next < 0) {
        break;
      }
      String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1);
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
