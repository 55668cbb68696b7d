package dev.streamtune.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.testing.Invariants;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The dead-letter topic as the soak checks it: each record key once, with its reason. */
final class DeadLetterLog {
  private DeadLetterLog() {}

  /** Record key to {@code streamtune.reason}, asserting that no key was dead-lettered twice. */
  static Map<String, String> reasons(KafkaConfig kafka, String topic) {
    Map<String, String> out = new TreeMap<>();
    for (var r : Invariants.readToEnd(kafka, topic, new ByteArrayDeserializer())) {
      String key = r.key() == null ? "(null)" : new String(r.key(), StandardCharsets.UTF_8);
      var reason = r.headers().lastHeader("streamtune.reason");
      String previous =
          out.put(
              key, reason == null ? "(none)" : new String(reason.value(), StandardCharsets.UTF_8));
      assertThat(previous).as("dead letters of %s", key).isNull();
    }
    return out;
  }
}
