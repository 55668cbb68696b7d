package dev.streamtune.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the end of a topic and keeps its last records in memory, for dashboards and consoles: the
 * recent dead letters, the live {@code training.status}. A consumer without a group (assign, then
 * seek to {@code keep} records before each partition's end) reading committed records only; it
 * waits for the topic to exist and notices partitions added later. Thread-safe; close it.
 *
 * <pre>{@code
 * try (TopicTail dlq = TopicTail.start(kafka, topics.deadLetters(), 100, null)) {
 *   dlq.recent().forEach(e -> System.out.println(e.header("streamtune.reason")));
 * }
 * }</pre>
 */
public final class TopicTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

  /**
   * One record.
   *
   * @param key the key as UTF-8 text, or null
   * @param value the value's bytes, or null
   * @param headers the headers as UTF-8 text, the last of each name
   * @param timestamp the record's time
   */
  public record Entry(
      String key,
      byte[] value,
      Map<String, String> headers,
      Instant timestamp,
      int partition,
      long offset) {
    /** The value as UTF-8 text ({@code ""} for none). */
    public String text() {
      return value == null ? "" : new String(value, StandardCharsets.UTF_8);
    }
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final int keep;
  private final Consumer<Entry> listener;
  private final ArrayDeque<Entry> recent = new ArrayDeque<>();
  private final Thread thread;
  private volatile boolean running = true;

  private TopicTail(KafkaConfig kafka, String topic, int keep, Consumer<Entry> listener) {
    Map<String, Object> p = kafka.readCommittedConsumerProps();
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.keep = keep;
    this.listener = listener;
    this.thread = new Thread(this::run, "tail-" + topic);
    this.thread.setDaemon(true);
  }

  /**
   * Starts following {@code topic}.
   *
   * @param keep how many records to keep (at least 1), also how far back from the end it starts
   * @param listener told of each record on the tail's thread, or null
   */
  public static TopicTail start(
      KafkaConfig kafka, String topic, int keep, Consumer<Entry> listener) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, not " + keep);
    }
    TopicTail t = new TopicTail(kafka, topic, keep, listener);
    t.thread.start();
    return t;
  }

  /** The records kept, oldest first. */
  public List<Entry> recent() {
    synchronized (recent) {
      return new ArrayList<>(recent);
    }
  }

  private void run() {
    List<TopicPartition> assigned = List.of();
    long nextCheck = 0;
    try {
      while (running) {
        if (System.currentTimeMillis() >= nextCheck) {
          assigned = reassign(assigned);
          nextCheck = System.currentTimeMillis() + (assigned.isEmpty() ? 500 : 30_000);
        }
        if (assigned.isEmpty()) {
          Thread.sleep(200);
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          add(entry(r));
        }
      }
    } catch (WakeupException | InterruptException | InterruptedException e) {
      if (running) {
        LOG.warn("Tail of {} stopped: {}", topic, e.toString());
      }
    } catch (RuntimeException e) {
      LOG.error("Tail of {} failed", topic, e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private List<TopicPartition> reassign(List<TopicPartition> assigned) {
    List<org.apache.kafka.common.PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      return assigned;
    }
    if (infos == null || infos.size() == assigned.size()) {
      return assigned;
    }
    List<TopicPartition> parts =
        infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    List<TopicPartition> added = parts.stream().filter(tp -> !assigned.contains(tp)).toList();
    consumer.assign(parts);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(added);
    consumer
        .endOffsets(added)
        .forEach((tp, end) -> consumer.seek(tp, Math.max(begin.get(tp), end - keep)));
    return parts;
  }

  private void add(Entry e) {
    synchronized (recent) {
      recent.addLast(e);
      while (recent.size() > keep) {
        recent.removeFirst();
      }
    }
    if (listener != null) {
      try {
        listener.accept(e);
      } catch (RuntimeException ex) {
        LOG.warn("A listener of {} failed: {}", topic, ex.toString());
      }
    }
  }

  private static Entry entry(ConsumerRecord<byte[], byte[]> r) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h : r.headers()) {
      headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
    }
    return new Entry(
        r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
        r.value(),
        Collections.unmodifiableMap(headers),
        Instant.ofEpochMilli(r.timestamp()),
        r.partition(),
        r.offset());
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
