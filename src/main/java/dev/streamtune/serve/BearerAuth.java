package dev.streamtune.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.streamtune.digest.Sha256;
import dev.streamtune.http.Http;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Serve's optional bearer-token check (RFC 6750). With a token configured, every request must carry
 * {@code Authorization: Bearer <token>}, except the open paths: {@code /healthz}, {@code /readyz}
 * and {@code /metrics} (probes and scrapers carry no token) and the dashboard's static page, script
 * and style (they hold no data; the page asks for the token and sends it on its own requests). A
 * missing or wrong token gets a 401 with {@code WWW-Authenticate: Bearer}.
 *
 * <p>Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken
 * says nothing about how much of a guess was right, nor about the token's length.
 */
final class BearerAuth {
  /** Paths answered without a token. */
  static final Set<String> OPEN = open();

  private static final String PREFIX = "Bearer ";
  private final byte[] expected;
  private final ServeMetrics metrics;

  private static Set<String> open() {
    Set<String> paths = new java.util.HashSet<>(Set.of("/healthz", "/readyz", "/metrics"));
    paths.addAll(Dashboard.STATIC.keySet());
    return Set.copyOf(paths);
  }

  private BearerAuth(byte[] expected, ServeMetrics metrics) {
    this.expected = expected;
    this.metrics = metrics;
  }

  /**
   * A check for {@code token}, or one that lets everything through when it is null; refusals are
   * counted in {@code metrics}.
   */
  static BearerAuth of(String token, ServeMetrics metrics) {
    return new BearerAuth(token == null ? null : sha256(token), metrics);
  }

  /** Whether a token is demanded at all. */
  boolean enabled() {
    return expected != null;
  }

  /**
   * Whether a request for {@code path} with this {@code Authorization} header value (or null) may
   * proceed.
   */
  boolean permits(String path, String authorization) {
    if (expected == null || OPEN.contains(path)) {
      return true;
    }
    if (authorization == null
        || authorization.length() <= PREFIX.length()
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    return MessageDigest.isEqual(
        expected, sha256(authorization.substring(PREFIX.length()).strip()));
  }

  /**
   * Lets the request through, or sets {@code WWW-Authenticate} on the answer and throws a 401.
   *
   * @throws Http.HttpError 401 when the token is missing or wrong
   */
  void check(HttpExchange x, String path) {
    String authorization = x.getRequestHeaders().getFirst("Authorization");
    if (permits(path, authorization)) {
      return;
    }
    boolean given = authorization != null;
    x.getResponseHeaders()
        .set(
            "WWW-Authenticate",
            given
                ? "Bearer realm=\"streamtune\", error=\"invalid_token\""
                : "Bearer realm=\"streamtune\"");
    metrics.authRefused(given ? "invalid-token" : "no-token");
    throw new Http.HttpError(
        401,
        given
            ? "the bearer token is not valid"
            : "this endpoint needs Authorization: Bearer <token>");
  }

  private static byte[] sha256(String s) {
    return Sha256.of(s);
  }
}
