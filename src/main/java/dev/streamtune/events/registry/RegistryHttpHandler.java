package dev.streamtune.events.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.streamtune.events.CompatibilityCheck;
import dev.streamtune.events.RegisteredSchema;
import dev.streamtune.events.SchemaRegistryException;
import dev.streamtune.http.Http;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps Confluent's REST routes onto a {@link LocalSchemaRegistry}. */
final class RegistryHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpHandler.class);
  private static final ObjectMapper JSON = Http.JSON;
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final int MAX_BODY = 4 << 20;
  private final LocalSchemaRegistry registry;

  RegistryHttpHandler(LocalSchemaRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Object result;
      int status = 200;
      try {
        result =
            route(
                ex.getRequestMethod(),
                Http.segments(ex.getRequestURI()),
                ex.getRequestURI().getRawQuery(),
                ex);
      } catch (Http.HttpError e) {
        status = e.status;
        result = JSON.createObjectNode().put("error_code", e.status).put("message", e.getMessage());
      } catch (SchemaRegistryException e) {
        status = e.status() == 0 ? 500 : e.status();
        result =
            JSON.createObjectNode()
                .put("error_code", e.errorCode() == 0 ? status : e.errorCode())
                .put("message", e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("registry request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        status = 500;
        result =
            JSON.createObjectNode().put("error_code", 50001).put("message", "Internal error: " + e);
      }
      byte[] body =
          result instanceof String raw
              ? raw.getBytes(StandardCharsets.UTF_8)
              : JSON.writeValueAsBytes(result);
      Http.send(ex, status, CONTENT_TYPE, body);
    }
  }

  private Object route(String method, List<String> p, String query, HttpExchange ex)
      throws IOException {
    int n = p.size();
    boolean get = method.equals("GET");
    boolean post = method.equals("POST");
    if (n == 0 && get) {
      return JSON.createObjectNode();
    }
    String head = p.get(0);
    if (head.equals("subjects")) {
      if (n == 1 && get) {
        return registry.subjects();
      }
      String subject = p.get(1);
      if (n == 2 && post) {
        RegisteredSchema r = registry.lookup(subject, schemaOf(ex));
        return registered(r);
      }
      if (n == 3 && p.get(2).equals("versions")) {
        if (get) {
          return registry.versions(subject);
        }
        if (post) {
          return JSON.createObjectNode().put("id", registry.register(subject, schemaOf(ex)));
        }
      }
      if (n >= 4 && p.get(2).equals("versions") && get) {
        RegisteredSchema r =
            p.get(3).equals("latest")
                ? registry.latest(subject)
                : registry.version(subject, version(p.get(3)));
        if (n == 4) {
          return registered(r);
        }
        if (n == 5 && p.get(4).equals("schema")) {
          return r.schema();
        }
      }
    } else if (head.equals("schemas") && n >= 3 && p.get(1).equals("ids") && get) {
      String text = registry.schemaText(version(p.get(2)));
      return n == 3 ? JSON.createObjectNode().put("schema", text) : text;
    } else if (head.equals("schemas") && n == 2 && p.get(1).equals("types") && get) {
      return List.of("AVRO");
    } else if (head.equals("config") && n <= 2) {
      String subject = n == 2 ? p.get(1) : null;
      if (get) {
        String level =
            subject == null || (query != null && query.contains("defaultToGlobal=true"))
                ? registry.compatibility(subject)
                : registry.requireSubjectCompatibility(subject).name();
        return JSON.createObjectNode().put("compatibilityLevel", level);
      }
      if (method.equals("PUT")) {
        JsonNode body = body(ex);
        String level =
            body.path("compatibility").asText(body.path("compatibilityLevel").asText(""));
        registry.setCompatibility(subject, level);
        return JSON.createObjectNode().put("compatibility", registry.compatibility(subject));
      }
    } else if (head.equals("compatibility")
        && n == 5
        && p.get(1).equals("subjects")
        && p.get(3).equals("versions")
        && post) {
      Integer version = p.get(4).equals("latest") ? null : version(p.get(4));
      CompatibilityCheck c = registry.checkCompatibility(p.get(2), schemaOf(ex), version);
      ObjectNode out = JSON.createObjectNode().put("is_compatible", c.compatible());
      if (query != null && query.contains("verbose=true")) {
        out.putPOJO("messages", c.messages());
      }
      return out;
    }
    throw new SchemaRegistryException(404, 404, "No route " + method + " /" + String.join("/", p));
  }

  private static ObjectNode registered(RegisteredSchema r) {
    return JSON.createObjectNode()
        .put("subject", r.subject())
        .put("version", r.version())
        .put("id", r.id())
        .put("schema", r.schema());
  }

  private static String schemaOf(HttpExchange ex) throws IOException {
    JsonNode body = body(ex);
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new SchemaRegistryException(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Only AVRO schemas are supported here, not " + type);
    }
    if (body.has("references") && body.get("references").size() > 0) {
      throw new SchemaRegistryException(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Schema references are not supported; register a self-contained schema");
    }
    if (!body.hasNonNull("schema")) {
      throw new SchemaRegistryException(
          422, SchemaRegistryException.INVALID_SCHEMA, "The body has no schema");
    }
    return body.get("schema").asText();
  }

  private static JsonNode body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = Http.readAtMost(in, MAX_BODY);
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new SchemaRegistryException(
            400, 400, "The request body is not JSON: " + e.getMessage());
      }
    }
  }

  private static int version(String s) {
    try {
      int v = Integer.parseInt(s);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new SchemaRegistryException(
        422,
        SchemaRegistryException.INVALID_VERSION,
        "The specified version '" + s + "' is not valid: use a positive number or 'latest'");
  }
}
