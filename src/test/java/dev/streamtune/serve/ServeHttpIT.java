package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.config.ConfigSource;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code streamtune serve}'s HTTP API against the stack: every endpoint, and every kind of bad
 * request with its status code and JSON error; a classification over the concurrency limit gets
 * 503, and clients too slow to send their request are cut off at the read timeout.
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
    ServeConfig config =
        ServeConfig.from(
                ConfigSource.ofSettings(
                    Map.of(
                        "serve.max.body.kib",
                        "200",
                        "serve.top.k",
                        "2",
                        "serve.threads",
                        "4",
                        "serve.max.concurrent",
                        "1")))
            .with(0, Set.of(MODEL), dir.resolve("cache"));
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        Announcer announcer = new Announcer(stack, s3);
        ServeApp app =
            ServeApp.start(config, stack.kafka(), stack.registry(), stack.topics(), stack.s3())) {
      String root = "http://127.0.0.1:" + app.port();
      assertThat(get(root + "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(root + "/readyz").statusCode())
          .as("no version of the configured model loaded")
          .isEqualTo(503);

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

      try (Socket held = new Socket("127.0.0.1", app.port())) {
        OutputStream out = held.getOutputStream();
        out.write(
            ("POST /v1/models/pets:classify HTTP/1.1\r\nHost: serve\r\nContent-Type: image/png\r\n"
                    + "Content-Length: "
                    + png.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(png, 0, png.length / 2);
        out.flush();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    get(root + "/metrics")
                        .body()
                        .contains("streamtune_serve_classifications_active 1.0"));
        HttpResponse<String> busy = post(root + "/v1/models/pets:classify", "image/png", png);
        assertError(busy, 503);
        assertThat(busy.headers().firstValue("Retry-After")).contains("1");
        out.write(png, png.length / 2, png.length - png.length / 2);
        out.flush();
        held.setSoTimeout(30_000);
        assertThat(statusLine(held))
            .as("the held classification completes")
            .isEqualTo("HTTP/1.1 200 OK");
      }
      assertThat(post(root + "/v1/models/pets:classify", "image/png", png).statusCode())
          .isEqualTo(200);

      String boundary = "----streamtune";
      ByteArrayOutputStream form = new ByteArrayOutputStream();
      form.writeBytes(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      form.writeBytes(png);
      form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
      HttpResponse<String> multipart =
          post(
              root + "/v1/models/pets:classify",
              "multipart/form-data; boundary=" + boundary,
              form.toByteArray());
      assertThat(multipart.statusCode()).as(multipart.body()).isEqualTo(200);
      assertThat(JSON.readTree(multipart.body()).get("version").asInt()).isEqualTo(1);

      assertError(post(root + "/v1/models/nope:classify", "image/png", png), 404);
      assertError(
          post(
              root + "/v1/models/pets:classify",
              "image/png",
              "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          400);
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
      JsonNode versions =
          JSON.readTree(get(root + "/v1/models/pets/versions").body()).get("versions");
      assertThat(versions).hasSize(2);
      assertThat(versions.get(0).get("served").asBoolean()).isTrue();
      assertThat(versions.get(1).get("status").asText()).isEqualTo("REJECTED");
      assertThat(versions.get(1).get("reason").asText()).isEqualTo("rejected by a test");

      HttpResponse<String> metrics = get(root + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains(
              "streamtune_serve_requests_seconds_count{model=\"pets\",outcome=\"ok\"}",
              "streamtune_serve_requests_seconds_bucket",
              "streamtune_serve_version{model=\"pets\"} 1.0",
              "outcome=\"bad-image\"",
              "outcome=\"status-413\"",
              "outcome=\"busy\"");
    }
  }

  @Test
  void aBearerTokenGuardsClassifyAndTheDataButNotTheProbesMetricsOrThePage(Stack stack)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "serve-auth-it");
    Path a = Announcer.export(dir.resolve("a"), 1);
    String token = "serve-it-token-" + java.util.UUID.randomUUID();
    ServeConfig config =
        ServeConfig.defaults()
            .with(0, Set.of("guarded"), dir.resolve("cache"))
            .withAuthToken(token);
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        Announcer announcer = new Announcer(stack, s3);
        ServeApp app =
            ServeApp.start(config, stack.kafka(), stack.registry(), stack.topics(), stack.s3())) {
      String root = "http://127.0.0.1:" + app.port();
      announcer.announce("guarded", 1, VersionStatus.PUBLISHED, a, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> get(root + "/readyz").statusCode() == 200);
      byte[] png = ModelSubscriberIT.png();
      String classify = root + "/v1/models/guarded:classify";

      HttpResponse<String> none = post(classify, "image/png", png);
      assertError(none, 401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(
              v -> assertThat(v).startsWith("Bearer").doesNotContain("invalid_token"));
      HttpResponse<String> wrong =
          send(
              HttpRequest.newBuilder(URI.create(classify))
                  .header("Content-Type", "image/png")
                  .header("Authorization", "Bearer " + token + "x")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(png)));
      assertError(wrong, 401);
      assertThat(wrong.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).contains("error=\"invalid_token\""));
      HttpResponse<String> right =
          send(
              HttpRequest.newBuilder(URI.create(classify))
                  .header("Content-Type", "image/png")
                  .header("Authorization", "Bearer " + token)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(png)));
      assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
      assertThat(JSON.readTree(right.body()).get("model").asText()).isEqualTo("guarded");

      for (String data :
          new String[] {
            "/v1/models",
            "/v1/models/guarded/versions",
            "/v1/dashboard",
            "/v1/deadletters",
            "/v1/models/guarded/versions/1/card",
            "/v1/no-such-thing"
          }) {
        assertError(get(root + data), 401);
        assertThat(
                send(HttpRequest.newBuilder(URI.create(root + data))
                        .header("Authorization", "Bearer " + token)
                        .GET())
                    .statusCode())
            .as(data)
            .isNotEqualTo(401);
      }
      for (String open : new String[] {"/healthz", "/readyz", "/metrics", "/", "/ui/app.js"}) {
        assertThat(get(root + open).statusCode()).as(open).isEqualTo(200);
      }
      assertThat(get(root + "/metrics").body())
          .contains("streamtune_serve_auth_refused_total")
          .doesNotContain(token);
      assertError(get(root + "/v1/models?q=" + "x".repeat(RequestLimits.MAX_URI_CHARS)), 414);
      HttpRequest.Builder many = HttpRequest.newBuilder(URI.create(root + "/healthz"));
      for (int i = 0; i < 120; i++) {
        many.header("X-Filler-" + i, "x");
      }
      assertError(send(many.GET()), 431);
    }
  }

  @Test
  void slowClientsAreCutOffAtTheReadTimeout(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "serve-slow-it");
    Path a = Announcer.export(dir.resolve("a"), 1);
    ServeConfig config =
        ServeConfig.from(
                ConfigSource.ofSettings(Map.of("serve.read.timeout", "1s", "serve.threads", "2")))
            .with(0, Set.of("slow"), dir.resolve("cache"));
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        Announcer announcer = new Announcer(stack, s3);
        ServeApp app =
            ServeApp.start(config, stack.kafka(), stack.registry(), stack.topics(), stack.s3())) {
      String root = "http://127.0.0.1:" + app.port();
      announcer.announce("slow", 1, VersionStatus.PUBLISHED, a, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> get(root + "/readyz").statusCode() == 200);
      String head =
          "POST /v1/models/slow:classify HTTP/1.1\r\nHost: serve\r\nContent-Type: image/png\r\n";

      List<Socket> stalled =
          List.of(new Socket("127.0.0.1", app.port()), new Socket("127.0.0.1", app.port()));
      long start = System.nanoTime();
      for (Socket s : stalled) {
        s.getOutputStream().write((head + "Content-Le").getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
      }
      var health =
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(root + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      for (Socket s : stalled) {
        await().atMost(Duration.ofSeconds(10)).until(() -> closed(s));
        s.close();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(seconds)
          .as("stalled headers are cut off at the read timeout, not before")
          .isBetween(0.9, 6.0);
      assertThat(health.get(5, TimeUnit.SECONDS).statusCode())
          .as("the worker threads are free again")
          .isEqualTo(200);

      ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
      try (Socket s = new Socket("127.0.0.1", app.port())) {
        OutputStream out = s.getOutputStream();
        out.write((head + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        drip.scheduleAtFixedRate(
            () -> {
              try {
                out.write(new byte[10]);
                out.flush();
              } catch (IOException closedByTheServer) {
                drip.shutdown();
              }
            },
            0,
            100,
            TimeUnit.MILLISECONDS);
        s.setSoTimeout(10_000);
        assertThat(statusLine(s))
            .as("a body trickling in is answered 408")
            .startsWith("HTTP/1.1 408");
        await().atMost(Duration.ofSeconds(5)).until(() -> closed(s));
      } finally {
        drip.shutdownNow();
      }
      assertThat(get(root + "/metrics").body()).contains("outcome=\"status-408\"");

      try (Socket s = new Socket("127.0.0.1", app.port())) {
        s.getOutputStream()
            .write(
                "POST /healthz HTTP/1.1\r\nHost: serve\r\nContent-Length: 65536\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        await("a body on any route, never sent, is cut off at the read timeout too")
            .atMost(Duration.ofSeconds(6))
            .until(() -> closed(s));
      }
    }
  }

  /** Reads a response's status line. */
  private static String statusLine(Socket s) throws IOException {
    StringBuilder line = new StringBuilder();
    InputStream in = s.getInputStream();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  /** Whether the server closed the connection: end of stream or a reset, after what it sent. */
  private static boolean closed(Socket s) throws IOException {
    s.setSoTimeout(100);
    try {
      InputStream in = s.getInputStream();
      while (true) {
        if (in.read() == -1) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String type, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("error").asText()).isNotBlank();
  }
}
