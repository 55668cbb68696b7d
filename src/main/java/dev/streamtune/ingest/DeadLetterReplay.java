package dev.streamtune.ingest;

import dev.streamtune.events.DeadLetterHeaders;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicScan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code streamtune dlq replay}: re-sends dead letters to the topic they came from, after a fix (an
 * object uploaded, a schema registered, a limit raised). It reads the dead-letter topic from its
 * beginning to the end it has when the replay starts (no consumer group, committed records only),
 * keeps the records whose {@code streamtune.reason} is among {@code reasons} (all when empty), and
 * sends each with its original key, value and headers, the dead-letter headers dropped and {@code
 * streamtune.replayed-from} ({@code dlq-topic/partition/offset}) added. Replaying is safe to
 * repeat: ingest stores an image once and counts it once, however often it arrives, so a second
 * replay stores nothing new; records still bad go back to the dead-letter topic with their reason.
 * The trainer's dead letters (stage {@code train}) are counted but never re-sent: they are
 * references to quarantined objects, not events.
 */
public final class DeadLetterReplay {
  /** The header a replayed record carries. */
  public static final String REPLAYED_FROM = "streamtune.replayed-from";

  private static final String ORIGINAL_TOPIC = "__streams.errors.topic";

  private DeadLetterReplay() {}

  /**
   * What a replay did.
   *
   * @param read dead letters read
   * @param replayed records re-sent
   * @param byReason dead letters read, per reason
   */
  public record Result(int read, int replayed, Map<String, Integer> byReason) {}

  /**
   * Replays the dead letters of {@code reasons} (every reason when empty).
   *
   * @param dryRun count what would be replayed, send nothing
   */
  public static Result replay(
      KafkaConfig kafka, TopicNames topics, Set<String> reasons, boolean dryRun) {
    Map<String, Object> c = kafka.readCommittedConsumerProps();
    Map<String, Object> p = kafka.idempotentProducerProps();
    int[] replayed = {0};
    Map<String, Integer> byReason = new TreeMap<>();
    try (var consumer =
            new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        var producer =
            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      TopicScan.toEnd(
          consumer,
          topics.deadLetters(),
          Duration.ofSeconds(30),
          null,
          r -> {
            String reason = header(r, DeadLetters.REASON, "UNKNOWN");
            byReason.merge(reason, 1, Integer::sum);
            boolean event = !DeadLetterHeaders.TRAIN_STAGE.equals(header(r, DeadLetters.STAGE, ""));
            if (event && (reasons.isEmpty() || reasons.contains(reason))) {
              replayed[0]++;
              if (!dryRun) {
                producer.send(resend(r, topics));
              }
            }
          });
      producer.flush();
    }
    return new Result(
        byReason.values().stream().mapToInt(Integer::intValue).sum(), replayed[0], byReason);
  }

  /** The record to re-send for a dead letter: original topic, key, value and headers. */
  static ProducerRecord<byte[], byte[]> resend(
      ConsumerRecord<byte[], byte[]> dead, TopicNames topics) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : dead.headers()) {
      if (!h.key().startsWith("__streams.errors.") && !h.key().startsWith("streamtune.")) {
        headers.add(h);
      }
    }
    headers.add(
        REPLAYED_FROM,
        (dead.topic() + "/" + dead.partition() + "/" + dead.offset())
            .getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(
        header(dead, ORIGINAL_TOPIC, topics.labelledImages()),
        null,
        dead.key(),
        dead.value(),
        headers);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name, String otherwise) {
    Header h = r.headers().lastHeader(name);
    return h == null ? otherwise : new String(h.value(), StandardCharsets.UTF_8);
  }
}
