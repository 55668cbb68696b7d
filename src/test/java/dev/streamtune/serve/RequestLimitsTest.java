package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import dev.streamtune.http.Http;
import java.net.URI;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {

  @Test
  void aLongUriIs414() {
    URI ok = URI.create("/v1/models?q=" + "x".repeat(RequestLimits.MAX_URI_CHARS - 13));
    assertThatCode(() -> RequestLimits.check(ok, new Headers())).doesNotThrowAnyException();
    URI over = URI.create("/v1/models?q=" + "x".repeat(RequestLimits.MAX_URI_CHARS - 12));
    assertThatThrownBy(() -> RequestLimits.check(over, new Headers()))
        .isInstanceOfSatisfying(Http.HttpError.class, e -> assertThat(e.status).isEqualTo(414));
  }

  @Test
  void tooManyOrTooLargeHeadersAre431() {
    URI uri = URI.create("/healthz");
    Headers many = new Headers();
    for (int i = 0; i <= RequestLimits.MAX_HEADERS; i++) {
      many.add("X-" + i, "v");
    }
    assertThatThrownBy(() -> RequestLimits.check(uri, many))
        .hasMessageContaining("101 header lines");
    Headers large = new Headers();
    large.add("Cookie", "c".repeat(RequestLimits.MAX_HEADER_BYTES));
    assertThatThrownBy(() -> RequestLimits.check(uri, large))
        .isInstanceOfSatisfying(Http.HttpError.class, e -> assertThat(e.status).isEqualTo(431));
    Headers usual = new Headers();
    usual.add("Authorization", "Bearer abc");
    usual.add("Content-Type", "image/png");
    assertThatCode(() -> RequestLimits.check(uri, usual)).doesNotThrowAnyException();
  }
}
