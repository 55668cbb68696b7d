package dev.streamtune.ingest;

import dev.streamtune.events.BadData;
import dev.streamtune.events.DeadLetterHeaders;
import dev.streamtune.events.Failures;
import dev.streamtune.events.LabelledImage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' own dead-letter support (KIP-1034, {@code errors.dead.letter.queue.topic.name})
 * with Streamtune's decision on top: bad data ({@link Failures} says DEAD_LETTER) goes to the
 * dead-letter topic with the original key, value and headers, the built-in {@code
 * __streams.errors.*} headers, and ours: {@value #STAGE}, {@value #REASON} and {@value #TIME}.
 * Anything else (an outage, a bug) fails the task, which restarts from its last commit: an outage
 * never dead-letters a record.
 */
final class DeadLetters {
  /** decode, validate or store (train, for the trainer's quarantine). */
  static final String STAGE = DeadLetterHeaders.STAGE;

  /** The broken rule. */
  static final String REASON = DeadLetterHeaders.REASON;

  /** When the record was refused, ISO-8601. */
  static final String TIME = DeadLetterHeaders.TIME;

  /** Where a record came from, {@code topic/partition/offset}, carried past the repartition. */
  static final String SOURCE = "streamtune.source";

  /** The record's original key, carried past the repartition (absent for a null key). */
  static final String SOURCE_KEY = "streamtune.source-key";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private DeadLetters() {}

  /**
   * A dead letter of the store stage, in the form it is produced: original key and wire-format
   * value.
   */
  record StoreDeadLetter(byte[] key, byte[] value) {}

  /**
   * Builds the store stage's dead letters. After the repartition the record's raw bytes are the
   * internal topic's, so Kafka Streams' handler would point {@code dlq replay} at that topic: this
   * rebuilds the original instead, the event in the input's wire format under its original key,
   * with the input's topic, partition and offset in the {@code __streams.errors.*} headers.
   */
  static final class Rebuild {
    private final String inputTopic;
    private final Serializer<LabelledImage> wire;
    private final IngestMetrics metrics;

    Rebuild(String inputTopic, Serializer<LabelledImage> wire, IngestMetrics metrics) {
      this.metrics = metrics;
      this.inputTopic = inputTopic;
      this.wire = wire;
    }

    Record<String, Object> of(
        Record<String, LabelledImage> record, ValidationException e, long now) {
      Headers headers = new RecordHeaders();
      for (Header h : record.headers()) {
        if (!h.key().startsWith("streamtune.") && !h.key().startsWith("__streams.errors.")) {
          headers.add(h);
        }
      }
      Header source = record.headers().lastHeader(SOURCE);
      String[] at =
          (source == null
                  ? inputTopic + "/-1/-1"
                  : new String(source.value(), StandardCharsets.UTF_8))
              .split("/");
      Header key = record.headers().lastHeader(SOURCE_KEY);
      add(headers, "__streams.errors.exception", e.getClass().getName());
      add(headers, "__streams.errors.message", e.getMessage());
      add(headers, "__streams.errors.topic", at[0]);
      add(headers, "__streams.errors.partition", at[1]);
      add(headers, "__streams.errors.offset", at[2]);
      add(headers, STAGE, "store");
      add(headers, REASON, e.reason());
      add(headers, TIME, Instant.ofEpochMilli(now).toString());
      report(metrics, "store", e.reason(), at[0] + "-" + at[1] + "@" + at[2], e.getMessage());
      return new Record<>(
          record.key(),
          new StoreDeadLetter(
              key == null ? null : key.value(), wire.serialize(inputTopic, record.value())),
          record.timestamp(),
          headers);
    }

    private static void add(Headers headers, String name, String value) {
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Counts a dead letter and logs it once, with where it came from and why: the only log line a bad
   * record gets.
   */
  private static void report(
      IngestMetrics metrics, String stage, String reason, String where, String message) {
    metrics.deadLettered(stage, reason);
    LOG.warn("Dead-lettered the record at {} ({} stage): {}: {}", where, stage, reason, message);
  }

  static List<ProducerRecord<byte[], byte[]>> tag(
      List<ProducerRecord<byte[], byte[]>> records,
      String stage,
      ErrorHandlerContext context,
      Exception e,
      long now,
      IngestMetrics metrics) {
    String reason = findBadData(e);
    report(
        metrics,
        stage,
        reason,
        context.topic() + "-" + context.partition() + "@" + context.offset(),
        e.getMessage());
    for (ProducerRecord<byte[], byte[]> r : records) {
      r.headers().add(STAGE, stage.getBytes(StandardCharsets.UTF_8));
      r.headers().add(REASON, reason.getBytes(StandardCharsets.UTF_8));
      r.headers().add(TIME, Instant.ofEpochMilli(now).toString().getBytes(StandardCharsets.UTF_8));
    }
    return records;
  }

  private static String findBadData(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BadData b) {
        return b.reason();
      }
    }
    return "UNKNOWN";
  }

  /** Dead-letters records that do not deserialize; fails on an unreachable registry. */
  public static final class OnDecode implements DeserializationExceptionHandler {
    private final LogAndContinueExceptionHandler builtIn = new LogAndContinueExceptionHandler();
    private IngestMetrics metrics = IngestMetrics.from(Map.of());

    @Override
    public void configure(Map<String, ?> configs) {
      builtIn.configure(configs);
      metrics = IngestMetrics.from(configs);
    }

    @Override
    public Response handleError(
        ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
      if (Failures.classify(e) != Failures.Disposition.DEAD_LETTER) {
        return Response.fail();
      }
      return Response.resume(
          tag(
              builtIn.handleError(context, record, e).deadLetterQueueRecords(),
              "decode",
              context,
              e,
              System.currentTimeMillis(),
              metrics));
    }
  }

  /** Dead-letters records that break a rule; fails on outages and bugs. */
  public static final class OnProcess implements ProcessingExceptionHandler {
    private final LogAndContinueProcessingExceptionHandler builtIn =
        new LogAndContinueProcessingExceptionHandler();
    private IngestMetrics metrics = IngestMetrics.from(Map.of());

    @Override
    public void configure(Map<String, ?> configs) {
      builtIn.configure(configs);
      metrics = IngestMetrics.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
      if (Failures.classify(e) != Failures.Disposition.DEAD_LETTER) {
        return Response.fail();
      }
      return Response.resume(
          tag(
              builtIn.handleError(context, record, e).deadLetterQueueRecords(),
              "store".equals(context.processorNodeId()) ? "store" : "validate",
              context,
              e,
              System.currentTimeMillis(),
              metrics));
    }
  }
}
