package dev.streamtune.events;

import org.apache.avro.Schema;

/** How a serializer names the registry subject of a record, as Confluent's serializers do. */
public enum SubjectNameStrategy {
  /** {@code <topic>-value} or {@code <topic>-key}: one schema lineage per topic (the default). */
  TOPIC_NAME,
  /** The record's full name, such as {@code dev.streamtune.events.LabelledImage}. */
  RECORD_NAME,
  /** {@code <topic>-<full record name>}. */
  TOPIC_RECORD_NAME;

  /**
   * @param topic the topic written to
   * @param isKey whether the record is the message key
   * @param schema the record's schema
   * @return the subject
   */
  public String subject(String topic, boolean isKey, Schema schema) {
    return switch (this) {
      case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
      case RECORD_NAME -> schema.getFullName();
      case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
    };
  }
}
