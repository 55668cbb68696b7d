package dev.streamtune.events.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One change to the registry, as stored in the {@code _schemas} topic with Confluent's JSON key and
 * value layout ({@code keytype} SCHEMA or CONFIG).
 */
sealed interface LogEntry {
  ObjectMapper JSON = new ObjectMapper();

  /** A schema registered as a version of a subject. */
  record SchemaEntry(String subject, int version, int id, String schema) implements LogEntry {}

  /** A compatibility level set for a subject, or globally when subject is null. */
  record ConfigEntry(String subject, Compatibility level) implements LogEntry {}

  /** The record key: compaction keeps the newest entry per key. */
  default byte[] key() {
    ObjectNode n = JSON.createObjectNode();
    if (this instanceof SchemaEntry s) {
      n.put("keytype", "SCHEMA")
          .put("subject", s.subject())
          .put("version", s.version())
          .put("magic", 1);
    } else {
      ConfigEntry c = (ConfigEntry) this;
      n.put("keytype", "CONFIG").put("subject", c.subject()).put("magic", 0);
    }
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The record value. */
  default byte[] value() {
    ObjectNode n = JSON.createObjectNode();
    if (this instanceof SchemaEntry s) {
      n.put("subject", s.subject())
          .put("version", s.version())
          .put("id", s.id())
          .put("schema", s.schema())
          .put("deleted", false);
    } else {
      n.put("compatibilityLevel", ((ConfigEntry) this).level().name());
    }
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads an entry back; returns null for a key type this registry does not keep (such as
   * Confluent's NOOP) or a tombstone.
   */
  static LogEntry parse(byte[] key, byte[] value) {
    if (key == null || value == null) {
      return null;
    }
    try {
      JsonNode k = JSON.readTree(key);
      JsonNode v = JSON.readTree(value);
      return switch (k.path("keytype").asText()) {
        case "SCHEMA" ->
            v.path("deleted").asBoolean(false)
                ? null
                : new SchemaEntry(
                    v.get("subject").asText(),
                    v.get("version").asInt(),
                    v.get("id").asInt(),
                    v.get("schema").asText());
        case "CONFIG" ->
            new ConfigEntry(
                k.hasNonNull("subject") ? k.get("subject").asText() : null,
                Compatibility.valueOf(v.get("compatibilityLevel").asText()));
        default -> null;
      };
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable _schemas record", e);
    }
  }
}
