package dev.streamtune.events;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The schema registry operations Streamtune uses, with Confluent's semantics.
 *
 * <p>Implementations: {@link SchemaRegistryClient} over the REST API of any Confluent-compatible
 * registry, and {@code events.registry.LocalSchemaRegistry}, the in-process registry that the
 * embedded server serves. Errors are {@link SchemaRegistryException}s.
 */
public interface SchemaRegistry extends AutoCloseable {

  /**
   * Registers a schema under a subject, or finds it if already there.
   *
   * @return the schema id
   * @throws SchemaRegistryException 409 when incompatible, 422 when invalid
   */
  int register(String subject, String schema);

  /**
   * Finds a schema already registered under a subject.
   *
   * @throws SchemaRegistryException 404 when the subject or schema is not there
   */
  RegisteredSchema lookup(String subject, String schema);

  /**
   * The schema with a registry-wide id.
   *
   * @throws SchemaRegistryException 404 ({@link SchemaRegistryException#SCHEMA_NOT_FOUND}) when
   *     unknown
   */
  Schema schemaById(int id);

  /** The newest version of a subject. */
  RegisteredSchema latest(String subject);

  /** One version of a subject. */
  RegisteredSchema version(String subject, int version);

  /** All subjects, sorted. */
  List<String> subjects();

  /** The versions of a subject, ascending. */
  List<Integer> versions(String subject);

  /**
   * Checks a schema against a subject's versions under the subject's compatibility level (all of
   * them for a transitive level, else the latest); compatible when the subject has none.
   */
  CompatibilityCheck checkCompatibility(String subject, String schema);

  /**
   * The compatibility level in force for a subject, or the global one for {@code null}.
   *
   * @return a level such as {@code FULL_TRANSITIVE}
   */
  String compatibility(String subject);

  /** Sets the compatibility level of a subject, or the global one for {@code null}. */
  void setCompatibility(String subject, String level);

  /** Releases resources; the default does nothing. */
  @Override
  default void close() {}
}
