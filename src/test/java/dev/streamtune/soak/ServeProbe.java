package dev.streamtune.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks a serve process which version of a model it answers with. */
final class ServeProbe {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServeProbe() {}

  /** The version serve answers with, 0 when it serves none of the model. */
  static int servedVersion(int port, String model) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    for (JsonNode m : new ObjectMapper().readTree(r.body()).path("models")) {
      if (m.path("model").asText().equals(model)) {
        return m.path("version").asInt();
      }
    }
    return 0;
  }
}
