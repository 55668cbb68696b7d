package dev.streamtune.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What {@link SchemaRegistryClient} relies on from any Confluent-compatible registry. Each {@code
 * *IT} subclass runs it against one real server.
 */
public abstract class RegistryContract {
  static final String V1 =
      """
      {"type":"record","name":"Probe","namespace":"contract","fields":[{"name":"a","type":"string"}]}""";
  static final String V2_OPTIONAL =
      """
      {"type":"record","name":"Probe","namespace":"contract","fields":[{"name":"a","type":"string"},
       {"name":"b","type":"int","default":0}]}""";
  static final String V2_REQUIRED =
      """
      {"type":"record","name":"Probe","namespace":"contract","fields":[{"name":"a","type":"string"},
       {"name":"c","type":"long"}]}""";

  /** The base URL of the registry under test. */
  protected abstract URI registryUrl();

  private SchemaRegistryClient client() {
    return new SchemaRegistryClient(RegistryConfig.of(registryUrl()).withRetries(1));
  }

  private static String subject() {
    return "contract-" + UUID.randomUUID() + "-value";
  }

  @Test
  void registerThenLookUpTheSameId() {
    String subject = subject();
    try (SchemaRegistryClient c = client()) {
      int id = c.register(subject, V1);
      RegisteredSchema found = c.lookup(subject, V1);
      assertThat(found.id()).isEqualTo(id);
      assertThat(found.version()).isEqualTo(1);
      assertThat(c.schemaById(id).getFullName()).isEqualTo("contract.Probe");
      assertThat(c.latest(subject).id()).isEqualTo(id);
      assertThat(c.versions(subject)).containsExactly(1);
      assertThat(c.subjects()).contains(subject);
    }
  }

  @Test
  void anOptionalFieldIsAcceptedAndARequiredOneRejectedWith409() {
    String subject = subject();
    try (SchemaRegistryClient c = client()) {
      c.setCompatibility(subject, "FULL_TRANSITIVE");
      assertThat(c.compatibility(subject)).isEqualTo("FULL_TRANSITIVE");
      int v1 = c.register(subject, V1);
      assertThat(c.checkCompatibility(subject, V2_OPTIONAL).compatible()).isTrue();
      assertThat(c.register(subject, V2_OPTIONAL)).isNotEqualTo(v1);
      assertThat(c.checkCompatibility(subject, V2_REQUIRED).compatible()).isFalse();
      assertThatThrownBy(() -> c.register(subject, V2_REQUIRED))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class,
              e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(Failures.classify(e)).isEqualTo(Failures.Disposition.FATAL);
              })
          .hasMessageContaining("409");
      assertThat(c.versions(subject)).containsExactly(1, 2);
    }
  }

  @Test
  void missingThingsAre404sWithConfluentCodes() {
    try (SchemaRegistryClient c = client()) {
      assertThatThrownBy(() -> c.latest(subject()))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class,
              e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND))
          .hasMessageContaining("40401");
      assertThatThrownBy(() -> c.schemaById(987654))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class,
              e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }
  }

  @Test
  void theEventSchemasRegisterAsTheirAvscText() {
    String subject = subject();
    try (SchemaRegistryClient c = client()) {
      int id = c.register(subject, EventSchemas.text(LabelledImage.class));
      assertThat(c.lookup(subject, EventSchemas.text(LabelledImage.class)).id()).isEqualTo(id);
      assertThat(c.schemaById(id)).isEqualTo(EventSchemas.schema(LabelledImage.class));
    }
  }
}
