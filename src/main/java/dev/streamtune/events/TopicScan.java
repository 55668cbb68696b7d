package dev.streamtune.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads a whole topic once: every partition from the beginning to its end offset of the moment the
 * read starts, with a consumer that has no group (assign, then seek). With a read-committed
 * consumer the end is the last stable offset, so the records seen are every committed one.
 */
public final class TopicScan {
  private TopicScan() {}

  /**
   * Hands each record of {@code topic}, up to the end offsets taken at the start, to {@code each}.
   *
   * @param timeout bound of each metadata call (partitions, end offsets, positions)
   * @param limit longest the whole read may take, or null for no limit
   * @throws TimeoutException when {@code limit} passes before the end is reached
   */
  public static <K, V> void toEnd(
      Consumer<K, V> consumer,
      String topic,
      Duration timeout,
      Duration limit,
      java.util.function.Consumer<ConsumerRecord<K, V>> each) {
    List<TopicPartition> parts =
        consumer.partitionsFor(topic, timeout).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
    long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
    while (parts.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("Could not read " + topic + " to its end in " + limit);
      }
      for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          each.accept(r);
        }
      }
    }
  }
}
