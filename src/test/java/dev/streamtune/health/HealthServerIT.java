package dev.streamtune.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A worker's management endpoints on a real port: liveness and readiness follow each role's checks
 * as they change, name the roles that fail, and only GET is answered.
 */
class HealthServerIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void livenessAndReadinessFollowTheRolesAndNameTheOnesThatFail() throws Exception {
    AtomicBoolean trainAlive = new AtomicBoolean(true);
    AtomicBoolean ingestReady = new AtomicBoolean(false);
    var meters = Meters.create();
    meters.counter("streamtune.passed.in").increment();
    try (HealthServer h =
        HealthServer.start(
            new HealthConfig(0),
            List.of(
                new HealthServer.Check("ingest", () -> true, ingestReady::get),
                new HealthServer.Check("train", trainAlive::get, trainAlive::get)),
            meters)) {
      URI base = URI.create("http://localhost:" + h.port() + "/");
      assertThat(get(base, "healthz"))
          .isEqualTo(
              "200 {\"status\":\"ALIVE\",\"roles\":{\"ingest\":\"ALIVE\","
                  + "\"train\":\"ALIVE\"}}");
      assertThat(get(base, "readyz"))
          .isEqualTo(
              "503 {\"status\":\"NOT READY\",\"roles\":{\"ingest\":\"NOT READY\","
                  + "\"train\":\"READY\"}}");
      ingestReady.set(true);
      assertThat(get(base, "readyz")).startsWith("200 {\"status\":\"READY\"");
      trainAlive.set(false);
      assertThat(get(base, "healthz"))
          .isEqualTo(
              "503 {\"status\":\"NOT ALIVE\",\"roles\":{\"ingest\":\"ALIVE\","
                  + "\"train\":\"NOT ALIVE\"}}");
      assertThat(get(base, "readyz")).startsWith("503 ").contains("\"train\":\"NOT READY\"");
      assertThat(get(base, "metrics"))
          .as("the registry passed in, not a global one")
          .startsWith("200 ")
          .contains("streamtune_passed_in_total 1.0");
      assertThat(get(base, "classify")).startsWith("404 ");
      var post =
          http.send(
              HttpRequest.newBuilder(base.resolve("healthz"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void aRoleThatIsStuckSaysWhyInBothAnswers() throws Exception {
    java.util.concurrent.atomic.AtomicReference<String> problem =
        new java.util.concurrent.atomic.AtomicReference<>(
            "model subscriber stuck since 2025-01-01T00:00:00Z (3 failed tries): registry down");
    try (HealthServer h =
        HealthServer.start(
            new HealthConfig(0),
            List.of(new HealthServer.Check("serve", () -> true, () -> false, problem::get)),
            Meters.create())) {
      URI base = URI.create("http://localhost:" + h.port() + "/");
      assertThat(get(base, "healthz"))
          .isEqualTo(
              "200 {\"status\":\"ALIVE\",\"roles\":{\"serve\":\"ALIVE\"},"
                  + "\"problems\":{\"serve\":\""
                  + problem.get()
                  + "\"}}");
      assertThat(get(base, "readyz"))
          .startsWith("503 ")
          .contains("\"problems\":{\"serve\":\"model subscriber stuck");
      problem.set(null);
      assertThat(get(base, "healthz")).doesNotContain("problems");
    }
  }

  private String get(URI base, String path) throws Exception {
    var r =
        http.send(
            HttpRequest.newBuilder(base.resolve(path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }
}
