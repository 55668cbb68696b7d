package dev.streamtune.serve;

import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ModelSubscriber}'s reading of {@code models.versions}, and of {@code models.champions}
 * when serve runs challengers: its consumer of no group, where it stands on each partition, and the
 * stop signal that {@link #stop()} gives.
 *
 * <p>It waits for the topics to exist, assigns all of their partitions and reads them from the
 * beginning, remembering the end each had then, so that {@link #reachedEnd()} says once when what
 * the topics held at start has been read; {@link #poll()} answers {@link ModelVersion}s and {@link
 * ChampionDecision}s in the order of each partition. It moves past a record that can never be read
 * or back to one to read again, sets the gauge {@code streamtune.serve.subscriber.lag}, and waits
 * between tries, cutting the wait short once stopped. Only the subscriber's thread uses it, but for
 * {@link #stop()} and {@link #caughtUp()}.
 */
final class VersionsTopic {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSubscriber.class);
  private final KafkaConsumer<String, Object> consumer;
  private final List<String> topics;
  private final ServeMetrics metrics;
  private List<TopicPartition> parts;
  private Map<TopicPartition, Long> end;
  private long lastEndOffsets = System.nanoTime() - 2_000_000_000L;
  private volatile boolean caughtUp;
  private volatile boolean running = true;

  private VersionsTopic(
      KafkaConsumer<String, Object> consumer, List<String> topics, ServeMetrics metrics) {
    this.metrics = metrics;
    this.consumer = consumer;
    this.topics = topics;
  }

  /**
   * Opens a consumer of no group, read-committed, on {@code versions} and, unless null, {@code
   * champions}; each topic's records are read as their type.
   */
  static VersionsTopic open(
      KafkaConfig kafka,
      SchemaRegistryClient registry,
      RegistryConfig registryConfig,
      String versions,
      String champions,
      ServeMetrics metrics) {
    Deserializer<ModelVersion> v =
        ConfluentAvroSerde.of(ModelVersion.class, registry, registryConfig).deserializer();
    Deserializer<ChampionDecision> d =
        ConfluentAvroSerde.of(ChampionDecision.class, registry, registryConfig).deserializer();
    Deserializer<Object> either =
        new Deserializer<>() {
          @Override
          public Object deserialize(String t, byte[] data) {
            return t.equals(versions) ? v.deserialize(t, data) : d.deserialize(t, data);
          }

          @Override
          public Object deserialize(String t, Headers headers, byte[] data) {
            return t.equals(versions)
                ? v.deserialize(t, headers, data)
                : d.deserialize(t, headers, data);
          }
        };
    return new VersionsTopic(
        new KafkaConsumer<>(kafka.readCommittedConsumerProps(), new StringDeserializer(), either),
        champions == null ? List.of(versions) : List.of(versions, champions),
        metrics);
  }

  /** The name of the versions topic. */
  String name() {
    return topics.get(0);
  }

  /** Whether it has not been stopped. */
  boolean running() {
    return running;
  }

  /** Whether it has read to the end the topic had when it was assigned. */
  boolean caughtUp() {
    return caughtUp;
  }

  /**
   * The versions and decisions of the next records, assigning the topics' partitions first if it
   * has not yet; tombstones are left out.
   *
   * @throws WakeupException once stopped
   */
  List<Object> poll() {
    if (parts == null) {
      assign();
    }
    List<Object> out = new ArrayList<>();
    for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
      if (r.value() != null) {
        out.add(r.value());
      }
    }
    return out;
  }

  /** True once, when the positions first reach the ends the partitions had when assigned. */
  boolean reachedEnd() {
    if (!caughtUp && parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
      caughtUp = true;
      return true;
    }
    return false;
  }

  /** Moves past a record that can never be read. */
  void skip(RecordDeserializationException r) {
    consumer.seek(r.topicPartition(), r.offset() + 1);
  }

  /** Goes back to a record that could not be read now, to read it again on the next poll. */
  void rewind(RecordDeserializationException r) {
    consumer.seek(r.topicPartition(), r.offset());
  }

  /**
   * Sets the lag gauge from what the consumer knows; a partition not fetched from yet costs a
   * request for the end offsets, at most once a second. Nothing before the partitions are assigned.
   */
  void measureLag() {
    if (parts == null) {
      return;
    }
    long lag = 0;
    Map<TopicPartition, Long> ends = null;
    for (TopicPartition tp : parts) {
      OptionalLong l = consumer.currentLag(tp);
      if (l.isEmpty()) {
        if (ends == null && System.nanoTime() - lastEndOffsets < 1_000_000_000L) {
          return;
        }
        if (ends == null) {
          lastEndOffsets = System.nanoTime();
          ends = consumer.endOffsets(parts, Duration.ofSeconds(5));
        }
        lag += Math.max(0, ends.get(tp) - consumer.position(tp));
      } else {
        lag += l.getAsLong();
      }
    }
    metrics.lag(name(), lag);
  }

  /**
   * Waits, returning early once stopped.
   *
   * @throws WakeupException if the thread is interrupted
   */
  void pause(Duration wait) {
    long until = System.nanoTime() + wait.toNanos();
    try {
      while (running && System.nanoTime() < until) {
        Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
  }

  /**
   * Stops: a poll under way, or the next, throws {@link WakeupException}; waits end. Any thread.
   */
  void stop() {
    running = false;
    consumer.wakeup();
  }

  /** Closes the consumer, from the subscriber's thread as it ends. */
  void close() {
    consumer.close(Duration.ofSeconds(5));
  }

  private void assign() {
    List<TopicPartition> found = partitions();
    consumer.assign(found);
    consumer.seekToBeginning(found);
    end = consumer.endOffsets(found);
    parts = found;
  }

  /** The topics' partitions, once they exist (the first trainer or worker creates them). */
  private List<TopicPartition> partitions() {
    List<TopicPartition> all = new ArrayList<>();
    for (String t : topics) {
      all.addAll(partitions(t));
    }
    return all;
  }

  private List<TopicPartition> partitions(String t) {
    boolean logged = false;
    while (running) {
      List<TopicPartition> found =
          consumer.partitionsFor(t, Duration.ofSeconds(10)).stream()
              .map(i -> new TopicPartition(t, i.partition()))
              .toList();
      if (!found.isEmpty()) {
        return found;
      }
      if (!logged) {
        LOG.info("Waiting for topic {} to exist", t);
        logged = true;
      }
      pause(Duration.ofMillis(500));
    }
    throw new WakeupException();
  }
}
