package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code streamtune serve}'s HTTP API against the stack: every endpoint, and every kind of bad
 * request with its status code and JSON error.
 */
@WithStack
class ServeHttpIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "pets";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyEndpointAndEveryBadRequest(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "serve-it");
    Path a = Announcer.export(dir.resolve("a"), 1);
    ServeConfig base = ServeConfig.defaults();
    ServeConfig config = new ServeConfig(0, Set.of(MODEL), 200 * 1024, 2, 4, dir.resolve("cache"), base.maxPixels());
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3()); Announcer announcer = new Announcer(stack, s3);
        ServeApp app = ServeApp.start(config, stack.kafka(), stack.registry(), stack.topics(), stack.s3())) {
      String root = "http://127.0.0.1:" + app.port();
      assertThat(get(root + "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(root + "/readyz").statusCode()).as("no version of the configured model loaded").isEqualTo(503);

      announcer.announce(MODEL, 1, VersionStatus.PUBLISHED, a, false);
      announcer.announce(MODEL, 2, VersionStatus.REJECTED, a, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> get(root + "/readyz").statusCode() == 200);

      byte[] png = ModelSubscriberIT.png();
      HttpResponse<String> ok = post(root + "/v1/models/pets:classify", "image/png", png);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(ok.body());
      assertThat(answer.get("model").asText()).isEqualTo(MODEL);
      assertThat(answer.get("version").asInt()).isEqualTo(1);
      assertThat(answer.get("labels")).hasSize(2);
      assertThat(answer.at("/labels/0/probability").asDouble())
          .isGreaterThanOrEqualTo(answer.at("/labels/1/probability").asDouble());

      String boundary = "----streamtune";
      ByteArrayOutputStream form = new ByteArrayOutputStream();
      form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + boundary
          + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      form.writeBytes(png);
      form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
      HttpResponse<String> multipart = post(root + "/v1/models/pets:classify",
          "multipart/form-data; boundary=" + boundary, form.toByteArray());
      assertThat(multipart.statusCode()).as(multipart.body()).isEqualTo(200);
      assertThat(JSON.readTree(multipart.body()).get("version").asInt()).isEqualTo(1);

      assertError(post(root + "/v1/models/nope:classify", "image/png", png), 404);
      assertError(post(root + "/v1/models/pets:classify", "image/png", "not an image".getBytes()), 400);
      assertError(post(root + "/v1/models/pets:classify", "image/png", new byte[0]), 400);
      assertError(post(root + "/v1/models/pets:classify", "image/png", new byte[300 * 1024]), 413);
      assertError(post(root + "/v1/models/pets:classify", "text/plain", png), 415);
      assertError(get(root + "/v1/models/pets:classify"), 405);
      assertError(get(root + "/v1/nothing"), 404);
      assertError(get(root + "/v1/models/nope/versions"), 404);

      JsonNode models = JSON.readTree(get(root + "/v1/models").body());
      assertThat(models.at("/models/0/model").asText()).isEqualTo(MODEL);
      assertThat(models.at("/models/0/version").asInt()).isEqualTo(1);
      assertThat(models.at("/models/0/accuracy").asDouble()).isEqualTo(0.51);
      assertThat(models.at("/models/0/labels")).hasSize(3);
      JsonNode versions = JSON.readTree(get(root + "/v1/models/pets/versions").body()).get("versions");
      assertThat(versions).hasSize(2);
      assertThat(versions.get(0).get("served").asBoolean()).isTrue();
      assertThat(versions.get(1).get("status").asText()).isEqualTo("REJECTED");
      assertThat(versions.get(1).get("reason").asText()).isEqualTo("rejected by a test");

      HttpResponse<String> metrics = get(root + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("streamtune_serve_requests_seconds_count{model=\"pets\",outcome=\"ok\"}",
          "streamtune_serve_requests_seconds_bucket", "streamtune_serve_version{model=\"pets\"} 1.0",
          "outcome=\"bad-image\"", "outcome=\"status-413\"");
    }
  }

  @Test
  void aBearerTokenGuardsClassifyAndTheDataButNotTheProbesMetricsOrThePage(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "serve-auth-it");
    Path a = Announcer.export(dir.resolve("a"), 1);
    String token = "serve-it-token-" + java.util.UUID.randomUUID();
    ServeConfig config = ServeConfig.defaults().with(0, Set.of("guarded"), dir.resolve("cache"))
        .withAuthToken(token);
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3()); Announcer announcer = new Announcer(stack, s3);
        ServeApp app = ServeApp.start(config, stack.kafka(), stack.registry(), stack.topics(), stack.s3())) {
      String root = "http://127.0.0.1:" + app.port();
      announcer.announce("guarded", 1, VersionStatus.PUBLISHED, a, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> get(root + "/readyz").statusCode() == 200);
      byte[] png = ModelSubscriberIT.png();
      String classify = root + "/v1/models/guarded:classify";

      HttpResponse<String> none = post(classify, "image/png", png);
      assertError(none, 401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
          assertThat(v).startsWith("Bearer").doesNotContain("invalid_token"));
      HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(classify)).header("Content-Type", "image/png")
          .header("Authorization", "Bearer " + token + "x").POST(HttpRequest.BodyPublishers.ofByteArray(png)));
      assertError(wrong, 401);
      assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
          assertThat(v).contains("error=\"invalid_token\""));
      HttpResponse<String> right = send(HttpRequest.newBuilder(URI.create(classify)).header("Content-Type", "image/png")
          .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(png)));
      assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
      assertThat(JSON.readTree(right.body()).get("model").asText()).isEqualTo("guarded");

      for (String data : new String[] {"/v1/models", "/v1/models/guarded/versions", "/v1/dashboard",
          "/v1/deadletters", "/v1/models/guarded/versions/1/card", "/v1/no-such-thing"}) {
        assertError(get(root + data), 401);
        assertThat(send(HttpRequest.newBuilder(URI.create(root + data)).header("Authorization", "Bearer " + token)
            .GET()).statusCode()).as(data).isNotEqualTo(401);
      }
      for (String open : new String[] {"/healthz", "/readyz", "/metrics", "/", "/ui/app.js"}) {
        assertThat(get(root + open).statusCode()).as(open).isEqualTo(200);
      }
      assertThat(get(root + "/metrics").body()).contains("streamtune_serve_auth_refused_total").doesNotContain(token);
      assertError(get(root + "/v1/models?q=" + "x".repeat(RequestLimits.MAX_URI_CHARS)), 414);
      HttpRequest.Builder many = HttpRequest.newBuilder(URI.create(root + "/healthz"));
      for (int i = 0; i < 120; i++) {
        many.header("X-Filler-" + i, "x");
      }
      assertError(send(many.GET()), 431);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String type, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("error").asText()).isNotBlank();
  }
}
