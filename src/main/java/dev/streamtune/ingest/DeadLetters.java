package dev.streamtune.ingest;

import dev.streamtune.events.BadData;
import dev.streamtune.events.DeadLetterHeaders;
import dev.streamtune.events.Failures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' own dead-letter support (KIP-1034, {@code errors.dead.letter.queue.topic.name})
 * with Streamtune's decision on top: bad data ({@link Failures} says DEAD_LETTER) goes to the
 * dead-letter topic with the original key, value and headers, the built-in
 * {@code __streams.errors.*} headers, and ours: {@value #STAGE}, {@value #REASON} and
 * {@value #TIME}. Anything else (an outage, a bug) fails the task, which restarts from its last
 * commit: an outage never dead-letters a record.
 */
final class DeadLetters {
  /** decode or validate. */
  static final String STAGE = DeadLetterHeaders.STAGE;
  /** The broken rule. */
  static final String REASON = DeadLetterHeaders.REASON;
  /** When the record was refused, ISO-8601. */
  static final String TIME = DeadLetterHeaders.TIME;

  private DeadLetters() {}

  static List<ProducerRecord<byte[], byte[]>> tag(List<ProducerRecord<byte[], byte[]>> records, String stage,
      Exception e, long now) {
    String reason = findBadData(e);
    IngestMetrics.deadLettered(stage, reason);
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

    @Override
    public void configure(Map<String, ?> configs) {
      builtIn.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
      if (Failures.classify(e) != Failures.Disposition.DEAD_LETTER) {
        return Response.fail();
      }
      return Response.resume(tag(builtIn.handleError(context, record, e).deadLetterQueueRecords(), "decode", e,
          System.currentTimeMillis()));
    }
  }

  /** Dead-letters records that break a rule; fails on outages and bugs. */
  public static final class OnProcess implements ProcessingExceptionHandler {
    private final LogAndContinueProcessingExceptionHandler builtIn = new LogAndContinueProcessingExceptionHandler();

    @Override
    public void configure(Map<String, ?> configs) {
      builtIn.configure(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
      if (Failures.classify(e) != Failures.Disposition.DEAD_LETTER) {
        return Response.fail();
      }
      return Response.resume(tag(builtIn.handleError(context, record, e).deadLetterQueueRecords(), "validate", e,
          System.currentTimeMillis()));
    }
  }
}
