package dev.streamtune.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Examples set aside because they passed ingest's checks but failed later, at a full decode: one
 * small JSON object per image under {@code quarantine/{modelId}/{sha256}.json}, holding the
 * example's object key, the reason and when and by which run it was found. The trainer lists the
 * prefix (one LIST, no GET) before each run and leaves every quarantined image out, so a bad image
 * is decoded once, not once per run. The record is keyed by the image's content, so a relabelled
 * copy of the same bytes stays out; erasing the image ({@link CacheErasure}) removes its record.
 *
 * <pre>{@code
 * Quarantine.put(store, new Quarantine.Entry(modelId, sha, key, "CORRUPT", "…", "train", now, runId));
 * Set<String> skip = Quarantine.shas(store, modelId);
 * }</pre>
 */
public final class Quarantine {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Quarantine() {}

  /**
   * One quarantined image.
   *
   * @param modelId the model whose example it is
   * @param sha256 content hash of the image
   * @param key the example's object key when it was found
   * @param reason the broken rule, such as {@code CORRUPT}
   * @param detail what the decoder said
   * @param stage where it was found, such as {@code train}
   * @param time when
   * @param runId the run that found it
   */
  public record Entry(
      String modelId,
      String sha256,
      String key,
      String reason,
      String detail,
      String stage,
      Instant time,
      String runId) {}

  /** The prefix of a model's records. */
  public static String prefix(String modelId) {
    return BucketLayout.quarantine(modelId);
  }

  /** The object key of an image's record. */
  public static String key(String modelId, String sha256) {
    return BucketLayout.quarantine(modelId, sha256);
  }

  /** Records an image; recording it again replaces the record. */
  public static void put(ObjectStore store, Entry e) {
    var n =
        JSON.createObjectNode()
            .put("modelId", e.modelId())
            .put("sha256", e.sha256())
            .put("key", e.key())
            .put("reason", e.reason())
            .put("detail", e.detail())
            .put("stage", e.stage())
            .put("time", e.time().toString())
            .put("runId", e.runId());
    store.put(
        key(e.modelId(), e.sha256()),
        n.toString().getBytes(StandardCharsets.UTF_8),
        "application/json",
        Map.of());
  }

  /** The sha256 of every quarantined image of a model, from one listing. */
  public static Set<String> shas(ObjectStore store, String modelId) {
    Set<String> out = new TreeSet<>();
    for (String k : store.list(prefix(modelId))) {
      BucketLayout.quarantined(modelId, k).ifPresent(out::add);
    }
    return out;
  }

  /** An image's record, if it is quarantined. */
  public static Optional<Entry> get(ObjectStore store, String modelId, String sha256) {
    return store
        .get(key(modelId, sha256))
        .map(
            bytes -> {
              try {
                JsonNode n = JSON.readTree(bytes);
                return new Entry(
                    n.path("modelId").asText(),
                    n.path("sha256").asText(),
                    n.path("key").asText(),
                    n.path("reason").asText(),
                    n.path("detail").asText(),
                    n.path("stage").asText(),
                    Instant.parse(n.path("time").asText()),
                    n.path("runId").asText());
              } catch (IOException ex) {
                throw new UncheckedIOException(
                    "Unreadable quarantine record " + key(modelId, sha256), ex);
              }
            });
  }

  /** Removes the records of the images (for the right to erasure); returns how many there were. */
  public static int erase(ObjectStore store, String modelId, Collection<String> sha256s) {
    Set<String> present = shas(store, modelId);
    int n = 0;
    for (String sha : sha256s) {
      if (present.contains(sha)) {
        store.delete(key(modelId, sha));
        n++;
      }
    }
    return n;
  }
}
