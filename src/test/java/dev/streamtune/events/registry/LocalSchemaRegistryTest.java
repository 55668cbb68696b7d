package dev.streamtune.events.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.events.EventSchemas;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SchemaRegistryException;
import org.junit.jupiter.api.Test;

class LocalSchemaRegistryTest {
  static final String V1 =
      """
      {"type":"record","name":"R","namespace":"t","fields":[{"name":"a","type":"string"}]}""";
  static final String V1_REFORMATTED =
      """
      {
        "namespace": "t", "name": "R", "type": "record",
        "fields": [ { "type": "string", "name": "a" } ]
      }""";
  static final String V2_OPTIONAL =
      """
      {"type":"record","name":"R","namespace":"t","fields":[{"name":"a","type":"string"},
       {"name":"b","type":"int","default":0}]}""";
  static final String V2_REQUIRED =
      """
      {"type":"record","name":"R","namespace":"t","fields":[{"name":"a","type":"string"},
       {"name":"b","type":"int"}]}""";

  private final LocalSchemaRegistry registry = LocalSchemaRegistry.inMemory();

  @Test
  void registeringTheSameSchemaAgainGivesTheSameIdAndVersion() {
    int id = registry.register("s-value", V1);
    assertThat(registry.register("s-value", V1_REFORMATTED)).isEqualTo(id);
    assertThat(registry.versions("s-value")).containsExactly(1);
    assertThat(registry.lookup("s-value", V1_REFORMATTED).id()).isEqualTo(id);
  }

  @Test
  void idsAreRegistryWideAndSharedAcrossSubjects() {
    int a = registry.register("a-value", V1);
    int b = registry.register("b-value", V1);
    int c = registry.register("a-value", V2_OPTIONAL);
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
    assertThat(registry.latest("a-value").version()).isEqualTo(2);
  }

  @Test
  void fullTransitiveAcceptsAnOptionalFieldAndRejectsARequiredOne() {
    registry.register("s-value", V1);
    assertThat(registry.checkCompatibility("s-value", V2_OPTIONAL).compatible()).isTrue();
    var check = registry.checkCompatibility("s-value", V2_REQUIRED);
    assertThat(check.compatible()).isFalse();
    assertThat(check.messages()).anySatisfy(m -> assertThat(m).contains("b"));
    assertThatThrownBy(() -> registry.register("s-value", V2_REQUIRED))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE);
            })
        .hasMessageContaining("s-value")
        .hasMessageContaining("FULL_TRANSITIVE");
  }

  @Test
  void backwardAllowsANewRequiredFieldWithDefaultOnlyWhenReading() {
    registry.setCompatibility("s-value", "BACKWARD");
    registry.register("s-value", V1);
    assertThat(registry.compatibility("s-value")).isEqualTo("BACKWARD");
    assertThat(registry.compatibility(null)).isEqualTo("FULL_TRANSITIVE");
    assertThatThrownBy(() -> registry.register("s-value", V2_REQUIRED))
        .hasMessageContaining("version 1 of subject s-value");
    registry.setCompatibility("s-value", "none");
    assertThat(registry.register("s-value", V2_REQUIRED)).isPositive();
  }

  @Test
  void transitiveChecksEveryEarlierVersion() {
    String v3 = V1.replace("\"string\"}", "\"string\"},{\"name\":\"c\",\"type\":\"long\"}");
    registry.setCompatibility("s-value", "FORWARD");
    registry.register("s-value", V1);
    registry.register("s-value", V2_OPTIONAL);
    assertThat(Compatibility.FORWARD_TRANSITIVE.transitive()).isTrue();
    assertThat(registry.checkCompatibility("s-value", v3).compatible()).isTrue();
  }

  @Test
  void missingThingsAreConfluent404s() {
    assertThatThrownBy(() -> registry.latest("nope"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
    assertThatThrownBy(() -> registry.schemaById(99))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    registry.register("s-value", V1);
    assertThatThrownBy(() -> registry.version("s-value", 7))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.VERSION_NOT_FOUND));
    assertThatThrownBy(() -> registry.lookup("s-value", V2_OPTIONAL))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    assertThatThrownBy(() -> registry.requireSubjectCompatibility("s-value"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e ->
                assertThat(e.errorCode())
                    .isEqualTo(SchemaRegistryException.SUBJECT_CONFIG_NOT_FOUND));
  }

  @Test
  void invalidInputIs422() {
    assertThatThrownBy(() -> registry.register("s-value", "{not avro"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(422));
    assertThatThrownBy(() -> registry.setCompatibility(null, "SIDEWAYS"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e ->
                assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_COMPATIBILITY));
  }

  @Test
  void theEventSchemasCanEvolveByAddingAnOptionalField() {
    String v1 = EventSchemas.text(LabelledImage.class);
    registry.register("images.labelled-value", v1);
    String v2 =
        v1.replaceFirst(
            "\"fields\": \\[",
            "\"fields\": [{\"name\": \"priority\", \"type\": \"int\", \"default\": 0, \"doc\": \"d\"},");
    assertThat(registry.checkCompatibility("images.labelled-value", v2).compatible()).isTrue();
  }

  @Test
  void logEntriesRoundTripThroughConfluentsJsonLayout() {
    var schema = new LogEntry.SchemaEntry("s-value", 3, 12, V1);
    var config = new LogEntry.ConfigEntry(null, Compatibility.BACKWARD);
    assertThat(LogEntry.parse(schema.key(), schema.value())).isEqualTo(schema);
    assertThat(LogEntry.parse(config.key(), config.value())).isEqualTo(config);
    assertThat(new String(schema.key(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"keytype\":\"SCHEMA\"");
    assertThat(
            LogEntry.parse(
                "{\"keytype\":\"NOOP\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isNull();
  }
}
