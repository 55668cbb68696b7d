package dev.streamtune.events.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.events.EventSchemas;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.SchemaRegistryException;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

@WithStack
class EmbeddedSchemaRegistryIT {
  private static final String V2 =
      EventSchemas.text(LabelledImage.class)
          .replaceFirst(
              "\"fields\": \\[",
              "\"fields\": [{\"name\": \"priority\", \"type\": \"int\", \"default\": 0, \"doc\": \"d\"},");

  private static EmbeddedRegistryConfig config(Stack stack, String topic) {
    return new EmbeddedRegistryConfig(
        "127.0.0.1",
        0,
        stack.bootstrapServers(),
        topic,
        (short) 1,
        Compatibility.FULL_TRANSITIVE,
        Map.of(),
        Map.of());
  }

  private static SchemaRegistryClient client(URI url) {
    return new SchemaRegistryClient(RegistryConfig.of(url).withRetries(0));
  }

  @Test
  void idsVersionsAndConfigSurviveARestart(Stack stack) {
    String topic = stack.unique("_schemas");
    String text = EventSchemas.text(LabelledImage.class);
    int id;
    try (var registry = EmbeddedSchemaRegistry.start(config(stack, topic));
        var c = client(registry.url())) {
      c.setCompatibility("other-value", "BACKWARD");
      id = c.register("images.labelled-value", text);
      assertThat(c.lookup("images.labelled-value", text).id()).isEqualTo(id);
    }
    try (var registry = EmbeddedSchemaRegistry.start(config(stack, topic));
        var c = client(registry.url())) {
      assertThat(c.lookup("images.labelled-value", text).id()).isEqualTo(id);
      assertThat(c.schemaById(id)).isEqualTo(EventSchemas.schema(LabelledImage.class));
      assertThat(c.register("images.labelled-value", text)).isEqualTo(id);
      assertThat(c.compatibility("other-value")).isEqualTo("BACKWARD");
      int next = c.register("images.labelled-value", V2);
      assertThat(next).isGreaterThan(id);
      assertThat(c.versions("images.labelled-value")).containsExactly(1, 2);
    }
  }

  @Test
  void anIncompatibleChangeIsRejectedWith409OverHttp(Stack stack) throws Exception {
    String subject = "incompatible-value";
    String v1 =
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
    String v2 =
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
    try (var registry = EmbeddedSchemaRegistry.start(config(stack, stack.unique("_schemas")));
        var c = client(registry.url())) {
      c.register(subject, v1);
      HttpResponse<String> resp =
          http(
              registry.url() + "/subjects/" + subject + "/versions",
              "POST",
              "{\"schema\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(v2) + "}",
              null);
      assertThat(resp.statusCode()).isEqualTo(409);
      assertThat(resp.body())
          .contains("\"error_code\":409")
          .contains("version 1 of subject " + subject);
      assertThat(resp.headers().firstValue("Content-Type"))
          .hasValue("application/vnd.schemaregistry.v1+json");
    }
  }

  @Test
  void basicAuthIsEnforcedWhenConfigured(Stack stack) throws Exception {
    var cfg = config(stack, stack.unique("_schemas")).withUsers(Map.of("app", "s3cret"));
    try (var registry = EmbeddedSchemaRegistry.start(cfg)) {
      HttpResponse<String> anonymous = http(registry.url() + "/subjects", "GET", null, null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
      try (var wrong =
          new SchemaRegistryClient(RegistryConfig.of(registry.url()).withBasicAuth("app:nope"))) {
        assertThatThrownBy(wrong::subjects)
            .isInstanceOfSatisfying(
                SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
      }
      try (var right =
          new SchemaRegistryClient(RegistryConfig.of(registry.url()).withBasicAuth("app:s3cret"))) {
        int id = right.register("auth-value", EventSchemas.text(LabelledImage.class));
        assertThat(right.lookup("auth-value", EventSchemas.text(LabelledImage.class)).id())
            .isEqualTo(id);
      }
    }
  }

  @Test
  void aSchemaTopicThatIsNotCompactedIsRefused(Stack stack) throws Exception {
    String topic = stack.unique("_schemas");
    try (var admin = stack.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "delete"))))
          .all()
          .get();
    }
    assertThatThrownBy(() -> EmbeddedSchemaRegistry.start(config(stack, topic)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(topic)
        .hasMessageContaining("cleanup.policy=compact");
  }

  @Test
  void badRequestsGetConfluentErrors(Stack stack) throws Exception {
    try (var registry = EmbeddedSchemaRegistry.start(config(stack, stack.unique("_schemas")))) {
      badRequestsGetConfluentErrors(registry.url().toString());
    }
  }

  private static void badRequestsGetConfluentErrors(String base) throws Exception {
    var invalid =
        http(base + "/subjects/x-value/versions", "POST", "{\"schema\":\"{not avro\"}", null);
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(invalid.body()).contains("42201");
    var proto =
        http(
            base + "/subjects/x-value/versions",
            "POST",
            "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}",
            null);
    assertThat(proto.statusCode()).isEqualTo(422);
    assertThat(http(base + "/nowhere", "GET", null, null).statusCode()).isEqualTo(404);
    assertThat(http(base + "/subjects/x-value/versions/zero", "GET", null, null).body())
        .contains("42202");
    var noSubjectConfig = http(base + "/config/never-configured-value", "GET", null, null);
    assertThat(noSubjectConfig.statusCode()).isEqualTo(404);
    assertThat(noSubjectConfig.body()).contains("40408");
    assertThat(
            http(base + "/config/never-configured-value?defaultToGlobal=true", "GET", null, null)
                .body())
        .contains("FULL_TRANSITIVE");
    assertThat(http(base + "/config", "GET", null, null).body())
        .contains("\"compatibilityLevel\":\"FULL_TRANSITIVE\"");
  }

  private static HttpResponse<String> http(String url, String method, String body, String auth)
      throws Exception {
    var req =
        HttpRequest.newBuilder(URI.create(url))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json");
    if (auth != null) {
      req.header("Authorization", auth);
    }
    return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
  }
}
