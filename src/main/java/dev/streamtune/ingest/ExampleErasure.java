package dev.streamtune.ingest;

import dev.streamtune.events.ExampleIndexEntry;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.CacheErasure;
import dev.streamtune.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code streamtune examples delete}: erases images from a model's dataset, for the right to
 * erasure, by sha256 or by the event id that brought them.
 *
 * <p>An event id is looked up on {@code images.labelled} ({@link EventIndex}), so it must still be
 * within the topic's retention; a sha256 needs no lookup. For each image it then deletes
 *
 * <ul>
 *   <li>the example object, {@code examples/{modelId}/{label}/{sha256}.{ext}}, in whatever label
 *       folder it is (a relabel caught half-way leaves two);
 *   <li>its cached backbone features and cut activations, by rewriting the packs that hold them
 *       ({@link CacheErasure});
 *   <li>its thumbnail in the model cards of the model's versions, which show misclassified
 *       validation images inline (the card's bytes then differ from the sha256 in the event).
 * </ul>
 *
 * Last, it writes a tombstone for each image to {@code examples.index}, so the trainers' example
 * indexes drop it, and the next version trains, and validates, without them. Each step is
 * idempotent: erasing again after a crash, or erasing an image already gone, is safe.
 *
 * <p>Ingest's examples state store still holds the image's key ({@code modelId/sha256}) with its
 * last label, and that is what keeps it erased: a redelivery of an event carrying the image under
 * that label is a duplicate to ingest, so it stores nothing. An event carrying it under another
 * label is a relabel and stores it again, and so does replaying {@code images.labelled} into a
 * reset ingest application, while the topic still holds the events: docs/operations.md says so.
 */
public final class ExampleErasure {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private ExampleErasure() {}

  /**
   * What an erasure did.
   *
   * @param byEventId the images found for each requested event id
   * @param eventIdsNotFound requested event ids not on {@code images.labelled} for the model
   * @param sha256s every image erased: those requested and those of the events found
   * @param objectsDeleted example objects deleted (none for an image already gone)
   * @param cache cached values removed
   * @param modelCards model cards an inline thumbnail of an image was removed from
   */
  public record Result(
      Map<String, Set<String>> byEventId,
      Set<String> eventIdsNotFound,
      Set<String> sha256s,
      List<String> objectsDeleted,
      CacheErasure.Result cache,
      int modelCards) {}

  /**
   * Erases images from a model's dataset and caches.
   *
   * @param sha256s images by their sha256 (lower-case hex)
   * @param eventIds images by the id of the event that carried them
   * @throws IllegalArgumentException when a sha256 is not 64 hex digits
   */
  public static Result erase(
      KafkaConfig kafka,
      RegistryConfig registry,
      TopicNames topics,
      ObjectStore store,
      String modelId,
      Set<String> sha256s,
      Set<String> eventIds,
      Clock clock) {
    for (String sha : sha256s) {
      if (!SHA256.matcher(sha).matches()) {
        throw new IllegalArgumentException("Not a sha256 (64 lower-case hex digits): " + sha);
      }
    }
    Map<String, Set<String>> byEvent =
        EventIndex.sha256s(kafka, registry, topics.labelledImages(), modelId, eventIds);
    Set<String> notFound = new TreeSet<>(eventIds);
    notFound.removeAll(byEvent.keySet());
    Set<String> all = new TreeSet<>(sha256s);
    byEvent.values().forEach(all::addAll);
    Result result = erase(store, modelId, all, clock, byEvent, notFound);
    unindex(kafka, topics.exampleIndex(), modelId, all);
    return result;
  }

  /**
   * Writes a tombstone for each image to {@code examples.index}, after its objects are gone, so
   * that trainers following the index drop it too (a trainer that missed it drops it when it finds
   * the object gone, or at its next full listing).
   */
  static void unindex(KafkaConfig kafka, String topic, String modelId, Set<String> sha256s) {
    if (sha256s.isEmpty()) {
      return;
    }
    try (var producer =
        new KafkaProducer<>(
            kafka.idempotentProducerProps(), new StringSerializer(), new StringSerializer())) {
      int partition = ExampleIndexEntry.partition(modelId, producer.partitionsFor(topic).size());
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (String sha : sha256s) {
        ExampleIndexEntry e = ExampleIndexEntry.erased(modelId, sha);
        sent.add(producer.send(new ProducerRecord<>(topic, partition, e.recordKey(), null)));
      }
      for (var f : sent) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while writing the index's tombstones", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(
          "Could not write the index's tombstones (the images are erased; trainers drop them when "
              + "they find them gone): "
              + e.getCause(),
          e);
    }
  }

  /**
   * Erases images, by sha256, from a model's examples, caches and model cards. The cards are
   * scrubbed first, while the images' bytes can still be read, so that a run cut short and done
   * again leaves nothing behind.
   */
  static Result erase(
      ObjectStore store,
      String modelId,
      Set<String> sha256s,
      Clock clock,
      Map<String, Set<String>> byEvent,
      Set<String> notFound) {
    Map<String, byte[]> images = new LinkedHashMap<>();
    if (!sha256s.isEmpty()) {
      for (String key : store.list(BucketLayout.prefix(modelId))) {
        BucketLayout.parse(modelId, key)
            .filter(e -> sha256s.contains(e.sha256()))
            .ifPresent(e -> store.get(key).ifPresent(bytes -> images.put(key, bytes)));
      }
    }
    int cards = scrubModelCards(store, modelId, images.values());
    List<String> deleted = new ArrayList<>();
    for (String key : images.keySet()) {
      store.delete(key);
      deleted.add(key);
    }
    CacheErasure.Result cache =
        sha256s.isEmpty()
            ? new CacheErasure.Result(0, 0)
            : CacheErasure.erase(store, modelId, sha256s, clock);
    return new Result(byEvent, notFound, sha256s, deleted, cache, cards);
  }

  /** Removes the images' inline thumbnails ({@code base64,...}) from the model's cards. */
  private static int scrubModelCards(
      ObjectStore store, String modelId, java.util.Collection<byte[]> images) {
    if (images.isEmpty()) {
      return 0;
    }
    List<String> inline =
        images.stream().map(b -> "base64," + Base64.getEncoder().encodeToString(b)).toList();
    int scrubbed = 0;
    for (String key : store.list(BucketLayout.models(modelId))) {
      if (!key.endsWith("/model-card.html")) {
        continue;
      }
      String html = store.get(key).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
      String clean = html;
      for (String s : inline) {
        clean = clean.replace(s, "base64,");
      }
      if (!clean.equals(html)) {
        store.put(
            key, clean.getBytes(StandardCharsets.UTF_8), "text/html", Map.of("erased", "true"));
        scrubbed++;
      }
    }
    return scrubbed;
  }
}
