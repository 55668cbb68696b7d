package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class BearerAuthTest {
  private static final String TOKEN = "0123456789abcdef-token";
  private static final ServeMetrics METRICS = new ServeMetrics(new SimpleMeterRegistry());

  @Test
  void withoutATokenEverythingIsOpen() {
    BearerAuth open = BearerAuth.of(null, METRICS);
    assertThat(open.enabled()).isFalse();
    assertThat(open.permits("/v1/models/pets:classify", null)).isTrue();
  }

  @Test
  void withATokenOnlyTheRightBearerTokenPasses() {
    BearerAuth auth = BearerAuth.of(TOKEN, METRICS);
    String classify = "/v1/models/pets:classify";
    assertThat(auth.enabled()).isTrue();
    assertThat(auth.permits(classify, "Bearer " + TOKEN)).isTrue();
    assertThat(auth.permits(classify, "bearer  " + TOKEN + " "))
        .as("scheme is case-insensitive")
        .isTrue();
    assertThat(auth.permits(classify, null)).isFalse();
    assertThat(auth.permits(classify, "")).isFalse();
    assertThat(auth.permits(classify, "Bearer ")).isFalse();
    assertThat(auth.permits(classify, "Bearer " + TOKEN.substring(1))).isFalse();
    assertThat(auth.permits(classify, "Bearer " + TOKEN + "x")).isFalse();
    assertThat(auth.permits(classify, "Basic " + TOKEN)).isFalse();
    assertThat(auth.permits(classify, TOKEN)).isFalse();
  }

  @Test
  void probesMetricsAndTheStaticPageStayOpenButTheirDataDoesNot() {
    BearerAuth auth = BearerAuth.of(TOKEN, METRICS);
    for (String open :
        new String[] {"/healthz", "/readyz", "/metrics", "/", "/index.html", "/ui/app.js"}) {
      assertThat(auth.permits(open, null)).as(open).isTrue();
    }
    for (String guarded :
        new String[] {
          "/v1/models",
          "/v1/models/pets/versions",
          "/v1/dashboard",
          "/v1/deadletters",
          "/v1/models/pets/versions/1/card",
          "/v1/nothing",
          "/healthz/",
          "/metrics/x"
        }) {
      assertThat(auth.permits(guarded, null)).as(guarded).isFalse();
    }
  }
}
