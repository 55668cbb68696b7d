package dev.streamtune.events.registry;

import static dev.streamtune.events.SchemaRegistryException.INCOMPATIBLE;
import static dev.streamtune.events.SchemaRegistryException.INVALID_COMPATIBILITY;
import static dev.streamtune.events.SchemaRegistryException.INVALID_SCHEMA;
import static dev.streamtune.events.SchemaRegistryException.SCHEMA_NOT_FOUND;
import static dev.streamtune.events.SchemaRegistryException.SUBJECT_CONFIG_NOT_FOUND;
import static dev.streamtune.events.SchemaRegistryException.SUBJECT_NOT_FOUND;
import static dev.streamtune.events.SchemaRegistryException.VERSION_NOT_FOUND;

import dev.streamtune.events.CompatibilityCheck;
import dev.streamtune.events.RegisteredSchema;
import dev.streamtune.events.SchemaRegistry;
import dev.streamtune.events.SchemaRegistryException;
import dev.streamtune.events.registry.LogEntry.ConfigEntry;
import dev.streamtune.events.registry.LogEntry.SchemaEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * A schema registry in this process, with Confluent's semantics: ids are registry-wide and the same
 * schema gets the same id under every subject; schemas are deduplicated on their parsed, canonical
 * form; each subject's compatibility level (default FULL_TRANSITIVE) is enforced on register.
 *
 * <p>{@link #inMemory()} keeps nothing; the embedded server uses a durable log in Kafka. Writes are
 * serialized, so a single instance owns its log. Thread-safe.
 */
public final class LocalSchemaRegistry implements SchemaRegistry {
  private final SchemaLog log;
  private final Map<String, List<SchemaEntry>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemaById = new HashMap<>();
  private final Map<String, Integer> idByCanonical = new HashMap<>();
  private final Map<String, Compatibility> subjectLevels = new HashMap<>();
  private Compatibility globalLevel;
  private int maxId;

  LocalSchemaRegistry(SchemaLog log, Compatibility defaultLevel) {
    this.log = log;
    this.globalLevel = defaultLevel;
    log.replay().forEach(this::apply);
  }

  /** A registry that keeps its schemas in memory only, FULL_TRANSITIVE by default. */
  public static LocalSchemaRegistry inMemory() {
    return new LocalSchemaRegistry(SchemaLog.NONE, Compatibility.FULL_TRANSITIVE);
  }

  @Override
  public synchronized int register(String subject, String schemaText) {
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    List<SchemaEntry> versions = subjects.getOrDefault(subject, List.of());
    for (SchemaEntry e : versions) {
      if (e.schema().equals(canonical)) {
        return e.id();
      }
    }
    Map<Integer, List<String>> problems = compatibility(subject, schema, versions, true);
    if (!problems.isEmpty()) {
      throw new SchemaRegistryException(
          409,
          INCOMPATIBLE,
          "Schema being registered is incompatible with version"
              + (problems.size() > 1 ? "s " : " ")
              + String.join(", ", problems.keySet().stream().map(String::valueOf).toList())
              + " of subject "
              + subject
              + " under "
              + levelOf(subject)
              + ": "
              + String.join("; ", flatten(problems)));
    }
    int id = idByCanonical.getOrDefault(canonical, maxId + 1);
    int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
    SchemaEntry entry = new SchemaEntry(subject, version, id, canonical);
    log.append(entry);
    apply(entry);
    return id;
  }

  @Override
  public synchronized RegisteredSchema lookup(String subject, String schemaText) {
    String canonical = parse(schemaText).toString();
    for (SchemaEntry e : entries(subject)) {
      if (e.schema().equals(canonical)) {
        return registered(e);
      }
    }
    throw new SchemaRegistryException(
        404, SCHEMA_NOT_FOUND, "Schema not found under subject " + subject);
  }

  @Override
  public synchronized Schema schemaById(int id) {
    return new Schema.Parser().parse(schemaText(id));
  }

  /** The canonical text of the schema with an id. */
  public synchronized String schemaText(int id) {
    String text = schemaById.get(id);
    if (text == null) {
      throw new SchemaRegistryException(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }
    return text;
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<SchemaEntry> v = entries(subject);
    return registered(v.get(v.size() - 1));
  }

  @Override
  public synchronized RegisteredSchema version(String subject, int version) {
    return registered(registeredEntry(subject, version));
  }

  @Override
  public synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  @Override
  public synchronized List<Integer> versions(String subject) {
    return entries(subject).stream().map(SchemaEntry::version).toList();
  }

  @Override
  public CompatibilityCheck checkCompatibility(String subject, String schemaText) {
    try {
      return checkCompatibility(subject, schemaText, null);
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SUBJECT_NOT_FOUND) {
        return new CompatibilityCheck(true, List.of());
      }
      throw e;
    }
  }

  /**
   * Checks a schema against one version of a subject, or, for {@code version == null}, against what
   * the subject's level requires (every version when transitive).
   *
   * @throws SchemaRegistryException 404 when the subject or version is missing
   */
  public synchronized CompatibilityCheck checkCompatibility(
      String subject, String schemaText, Integer version) {
    Schema schema = parse(schemaText);
    List<SchemaEntry> versions = entries(subject);
    List<SchemaEntry> against =
        version == null ? versions : List.of(registeredEntry(subject, version));
    Map<Integer, List<String>> problems = compatibility(subject, schema, against, version == null);
    return new CompatibilityCheck(problems.isEmpty(), flatten(problems));
  }

  @Override
  public synchronized String compatibility(String subject) {
    return (subject == null ? globalLevel : levelOf(subject)).name();
  }

  /** The level set on a subject itself, if any. */
  public synchronized Optional<Compatibility> subjectCompatibility(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  /** Like {@link #subjectCompatibility} but failing as Confluent does when none is set. */
  public synchronized Compatibility requireSubjectCompatibility(String subject) {
    return subjectCompatibility(subject)
        .orElseThrow(
            () ->
                new SchemaRegistryException(
                    404,
                    SUBJECT_CONFIG_NOT_FOUND,
                    "Subject '"
                        + subject
                        + "' does not have subject-level compatibility configured"));
  }

  @Override
  public synchronized void setCompatibility(String subject, String level) {
    Compatibility c;
    try {
      c = Compatibility.valueOf(level.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(
          422,
          INVALID_COMPATIBILITY,
          "Invalid compatibility level "
              + level
              + "; valid levels are "
              + java.util.Arrays.toString(Compatibility.values()));
    }
    ConfigEntry entry = new ConfigEntry(subject, c);
    log.append(entry);
    apply(entry);
  }

  @Override
  public void close() {
    log.close();
  }

  private void apply(LogEntry entry) {
    if (entry instanceof SchemaEntry s) {
      List<SchemaEntry> v = subjects.computeIfAbsent(s.subject(), k -> new ArrayList<>());
      v.removeIf(e -> e.version() == s.version());
      v.add(s);
      v.sort(java.util.Comparator.comparingInt(SchemaEntry::version));
      schemaById.put(s.id(), s.schema());
      idByCanonical.putIfAbsent(s.schema(), s.id());
      maxId = Math.max(maxId, s.id());
    } else if (entry instanceof ConfigEntry c) {
      if (c.subject() == null) {
        globalLevel = c.level();
      } else {
        subjectLevels.put(c.subject(), c.level());
      }
    }
  }

  /**
   * Problems per earlier version that the level (or, for one given version, its direction)
   * requires.
   */
  private Map<Integer, List<String>> compatibility(
      String subject, Schema schema, List<SchemaEntry> against, boolean byLevel) {
    Compatibility level = levelOf(subject);
    Compatibility direction =
        level.transitive() ? Compatibility.valueOf(level.name().replace("_TRANSITIVE", "")) : level;
    List<SchemaEntry> checked =
        byLevel && !level.transitive() && !against.isEmpty()
            ? List.of(against.get(against.size() - 1))
            : against;
    Map<Integer, List<String>> problems = new TreeMap<>();
    for (SchemaEntry e : checked) {
      List<String> p = direction.check(schema, List.of(new Schema.Parser().parse(e.schema())));
      if (!p.isEmpty()) {
        problems.put(e.version(), p);
      }
    }
    return problems;
  }

  private static List<String> flatten(Map<Integer, List<String>> problems) {
    List<String> out = new ArrayList<>();
    problems.forEach((v, p) -> p.forEach(m -> out.add("version " + v + ": " + m)));
    return out;
  }

  private Compatibility levelOf(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  private List<SchemaEntry> entries(String subject) {
    List<SchemaEntry> v = subjects.get(subject);
    if (v == null || v.isEmpty()) {
      throw new SchemaRegistryException(
          404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }
    return v;
  }

  private SchemaEntry registeredEntry(String subject, int version) {
    return entries(subject).stream()
        .filter(e -> e.version() == version)
        .findFirst()
        .orElseThrow(
            () ->
                new SchemaRegistryException(
                    404,
                    VERSION_NOT_FOUND,
                    "Version " + version + " not found under subject " + subject));
  }

  private static RegisteredSchema registered(SchemaEntry e) {
    return new RegisteredSchema(e.subject(), e.version(), e.id(), e.schema());
  }

  private static Schema parse(String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(
          422, INVALID_SCHEMA, "Invalid schema: " + e.getMessage(), e);
    }
  }
}
