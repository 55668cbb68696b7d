package dev.streamtune.ingest;

import dev.streamtune.config.ConfigException;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Keeps an ingest application's history and its bucket together. The examples changelog on the
 * cluster says which images an application has stored; pointed at a new, empty bucket, the same
 * application would count every image it saw before as a duplicate and never store it. So the
 * bucket carries a marker, {@code ingest/{applicationId}}, written at the first start; a start that
 * finds an application with history (a non-empty examples changelog) and a bucket that has neither
 * the marker nor any example is refused, naming the fix: a new {@code ingest.application.id} for
 * the new bucket. A bucket with examples but no marker (written before the marker existed) is taken
 * as the application's own and marked.
 */
final class BucketHistory {
  private BucketHistory() {}

  /**
   * How many records a topic has ever held (the sum of its end offsets); 0 when it does not exist.
   */
  static long records(Admin admin, String topic) {
    try {
      var description =
          admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic);
      var request =
          description.partitions().stream()
              .collect(
                  Collectors.toMap(
                      p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
      return admin.listOffsets(request).all().get().values().stream()
          .mapToLong(o -> o.offset())
          .sum();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return 0;
      }
      throw new IllegalStateException(
          "Cannot read the end offsets of " + topic + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted reading the end offsets of " + topic, e);
    }
  }

  /** The marker's key. */
  static String marker(String applicationId) {
    return BucketLayout.ingestMarker(applicationId);
  }

  /**
   * Checks the bucket against the application's history and marks it.
   *
   * @param changelogRecords how many records the application's examples changelog holds (the sum of
   *     its end offsets; 0 when it does not exist)
   * @throws ConfigException when the bucket is new to an application that has history
   */
  static void check(ObjectStore bucket, String applicationId, long changelogRecords) {
    String key = marker(applicationId);
    if (bucket.get(key).isPresent()) {
      return;
    }
    if (changelogRecords > 0 && bucket.list(BucketLayout.examples()).isEmpty()) {
      throw new ConfigException(
          "ingest.application.id '"
              + applicationId
              + "' has stored examples before ("
              + changelogRecords
              + " records in its examples changelog), but bucket '"
              + bucket.bucket()
              + "' has none of them: this application would count those images as duplicates and never store them "
              + "here. For a new bucket use a new ingest.application.id (set STREAMTUNE_INGEST_APPLICATION_ID), "
              + "or point s3.bucket back at the application's bucket");
    }
    bucket.put(
        key,
        ("application " + applicationId + "\n").getBytes(StandardCharsets.UTF_8),
        "text/plain",
        Map.of());
  }
}
