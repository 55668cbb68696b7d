package dev.streamtune.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API on {@code java.net.http}; it works with
 * Confluent Schema Registry, Apicurio's ccompat API, Karapace and the embedded registry.
 *
 * <p>Schemas by id and ids by (subject, schema) are cached forever, as they never change; a schema
 * registered or looked up is cached by its id too, so a process reads back what it wrote while the
 * registry is down. 5xx answers and connection errors are retried with exponential backoff; 4xx
 * answers fail at once with the registry's message. Basic auth is sent when configured; https uses
 * the JDK trust store ({@code javax.net.ssl.trustStore}). Thread-safe.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** The largest registry answer read; a longer one is refused, not buffered. */
  static final int MAX_RESPONSE_BYTES = 8 << 20;

  private final RegistryConfig config;
  private final String base;
  private final HttpClient http;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

  /** A client for the registry that the config names. */
  public SchemaRegistryClient(RegistryConfig config) {
    this.config = config;
    String u = config.url().toString();
    this.base = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
  }

  @Override
  public int register(String subject, String schema) {
    String key = cacheKey(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    int id =
        call("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema))
            .get("id")
            .asInt();
    idsBySubjectSchema.putIfAbsent(key, id);
    schemasById.putIfAbsent(id, parse(schema));
    return id;
  }

  @Override
  public RegisteredSchema lookup(String subject, String schema) {
    JsonNode n = call("POST", "/subjects/" + enc(subject), schemaBody(schema));
    RegisteredSchema found = registered(n, subject);
    idsBySubjectSchema.putIfAbsent(cacheKey(subject, schema), found.id());
    if (!schemasById.containsKey(found.id())) {
      schemasById.putIfAbsent(found.id(), parse(schema));
    }
    return found;
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    String text = call("GET", "/schemas/ids/" + id, null).get("schema").asText();
    Schema parsed = parse(text);
    schemasById.putIfAbsent(id, parsed);
    return parsed;
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return registered(call("GET", "/subjects/" + enc(subject) + "/versions/latest", null), subject);
  }

  @Override
  public RegisteredSchema version(String subject, int version) {
    return registered(
        call("GET", "/subjects/" + enc(subject) + "/versions/" + version, null), subject);
  }

  @Override
  public List<String> subjects() {
    List<String> out = new ArrayList<>();
    call("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
    out.sort(null);
    return out;
  }

  @Override
  public List<Integer> versions(String subject) {
    List<Integer> out = new ArrayList<>();
    call("GET", "/subjects/" + enc(subject) + "/versions", null).forEach(n -> out.add(n.asInt()));
    return out;
  }

  @Override
  public CompatibilityCheck checkCompatibility(String subject, String schema) {
    try {
      JsonNode n =
          call(
              "POST",
              "/compatibility/subjects/" + enc(subject) + "/versions/latest?verbose=true",
              schemaBody(schema));
      List<String> messages = new ArrayList<>();
      if (n.has("messages")) {
        n.get("messages").forEach(m -> messages.add(m.asText()));
      }
      return new CompatibilityCheck(n.path("is_compatible").asBoolean(false), messages);
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
        return new CompatibilityCheck(true, List.of());
      }
      throw e;
    }
  }

  @Override
  public String compatibility(String subject) {
    String path = subject == null ? "/config" : "/config/" + enc(subject) + "?defaultToGlobal=true";
    JsonNode n = call("GET", path, null);
    return n.has("compatibilityLevel")
        ? n.get("compatibilityLevel").asText()
        : n.path("compatibility").asText();
  }

  @Override
  public void setCompatibility(String subject, String level) {
    ObjectNode body = JSON.createObjectNode().put("compatibility", level);
    call("PUT", subject == null ? "/config" : "/config/" + enc(subject), body);
  }

  private JsonNode call(String method, String path, JsonNode body) {
    int attempt = 0;
    Duration backoff = config.retryBackoff();
    while (true) {
      try {
        return once(method, path, body);
      } catch (SchemaRegistryException e) {
        if (Failures.classifyStatus(e.status()) != Failures.Disposition.RETRY
            || attempt >= config.retries()) {
          throw e;
        }
      }
      attempt++;
      sleep(backoff);
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  private JsonNode once(String method, String path, JsonNode body) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(config.timeout())
            .header("Accept", CONTENT_TYPE + ", application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    if (body != null) {
      req.header("Content-Type", CONTENT_TYPE);
    }
    if (config.basicAuthUserInfo() != null) {
      req.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<java.io.InputStream> resp;
    String text;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      text = boundedText(resp.body(), resp.statusCode());
    } catch (IOException e) {
      throw new SchemaRegistryException(
          0, 0, "Schema registry " + base + " did not answer " + method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(0, 0, "Interrupted while calling the schema registry", e);
    }
    JsonNode json = parseJson(text);
    if (resp.statusCode() / 100 != 2) {
      int code = json == null ? 0 : json.path("error_code").asInt(0);
      String message = json == null ? text : json.path("message").asText(text);
      throw new SchemaRegistryException(
          resp.statusCode(),
          code,
          "Schema registry "
              + method
              + " "
              + path
              + " answered "
              + resp.statusCode()
              + (code == 0 ? "" : " (error " + code + ")")
              + ": "
              + message);
    }
    if (json == null) {
      throw new SchemaRegistryException(
          resp.statusCode(),
          0,
          "Schema registry "
              + method
              + " "
              + path
              + " answered with a body that is not JSON: "
              + abbreviate(text));
    }
    return json;
  }

  /**
   * Reads an answer of up to {@link #MAX_RESPONSE_BYTES} as UTF-8, and closes it.
   *
   * @throws SchemaRegistryException with the answer's status when it is longer (so a 2xx one is not
   *     retried: a registry answering that much is misconfigured, not down)
   */
  static String boundedText(java.io.InputStream in, int status) throws IOException {
    try (in) {
      byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
      if (bytes.length > MAX_RESPONSE_BYTES) {
        throw new SchemaRegistryException(
            status,
            0,
            "The schema registry answered "
                + status
                + " with over "
                + MAX_RESPONSE_BYTES
                + " bytes; refused");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static JsonNode parseJson(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static RegisteredSchema registered(JsonNode n, String subject) {
    return new RegisteredSchema(
        n.path("subject").asText(subject),
        n.path("version").asInt(),
        n.path("id").asInt(),
        n.path("schema").asText());
  }

  private static ObjectNode schemaBody(String schema) {
    return JSON.createObjectNode().put("schema", schema);
  }

  private static String cacheKey(String subject, String schema) {
    return subject + '\u0000' + parse(schema).toString();
  }

  private static Schema parse(String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Not a valid Avro schema: " + e.getMessage(),
          e);
    }
  }

  private static String enc(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(
          0, 0, "Interrupted while waiting to retry the schema registry", e);
    }
  }

  @Override
  public String toString() {
    return "SchemaRegistryClient[" + base + "]";
  }
}
