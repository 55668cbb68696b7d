package dev.streamtune.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class EventSchemasTest {

  @Test
  void everyTopLevelSchemaIsSelfContainedAndDocumented() {
    for (Class<? extends SpecificRecord> type : EventSchemas.TOP_LEVEL) {
      Schema schema = new Schema.Parser().parse(EventSchemas.text(type));
      assertThat(schema.getFullName()).isEqualTo(type.getName());
      assertDocumented(schema, new java.util.HashSet<>());
    }
  }

  @Test
  void registeredTextDiffersFromTheGeneratedSchemaOnlyByJavaProperties() {
    Schema registered = EventSchemas.schema(LabelledImage.class);
    assertThat(registered.toString()).doesNotContain("avro.java.string");
    assertThat(LabelledImage.SCHEMA$.toString()).contains("avro.java.string");
    assertThat(org.apache.avro.SchemaNormalization.parsingFingerprint64(registered))
        .isEqualTo(org.apache.avro.SchemaNormalization.parsingFingerprint64(LabelledImage.SCHEMA$));
  }

  @Test
  void imageIsAUnionOfInlineImageAndImageRef() {
    Schema image = EventSchemas.schema(LabelledImage.class).getField("image").schema();
    assertThat(image.getTypes())
        .extracting(Schema::getName)
        .containsExactly("InlineImage", "ImageRef");
  }

  private static void assertDocumented(Schema s, java.util.Set<String> seen) {
    if (s.getType() == Schema.Type.UNION) {
      s.getTypes().forEach(t -> assertDocumented(t, seen));
    } else if (s.getType() == Schema.Type.ARRAY) {
      assertDocumented(s.getElementType(), seen);
    } else if (s.getType() == Schema.Type.MAP) {
      assertDocumented(s.getValueType(), seen);
    } else if (s.getType() == Schema.Type.RECORD && seen.add(s.getFullName())) {
      assertThat(s.getDoc()).as("doc of " + s.getFullName()).isNotBlank();
      for (Schema.Field f : s.getFields()) {
        assertThat(f.doc()).as("doc of " + s.getFullName() + "." + f.name()).isNotBlank();
        assertDocumented(f.schema(), seen);
      }
    }
  }
}
