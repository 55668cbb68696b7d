package dev.streamtune.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code models/{modelId}/LATEST}: the last PUBLISHED version and run, for readers of the bucket
 * alone. It is written after the version's event, so a trainer that dies between the two leaves it
 * behind the topic; {@link #repair} brings it level again from the topic when a trainer starts.
 */
final class Latest {
  private static final Logger LOG = LoggerFactory.getLogger(Latest.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Latest() {}

  static String key(String modelId) {
    return BucketLayout.latest(modelId);
  }

  /**
   * Points LATEST at {@code v}, unless it already names a higher version (a rollback, or another
   * trainer, got there first): LATEST never moves back.
   */
  static void write(ObjectStore store, ModelVersion v) {
    if (version(store.get(key(v.getModelId()))) > v.getVersion()) {
      LOG.info(
          "LATEST of {} already names a version above {}; left as it is",
          v.getModelId(),
          v.getVersion());
      return;
    }
    put(store, v);
  }

  private static void put(ObjectStore store, ModelVersion v) {
    String json =
        JSON.createObjectNode()
                .put("version", v.getVersion())
                .put("runId", v.getTraining().getRunId())
                .put("savedModel", v.getArtifacts().getSavedModel().getUri())
            + "\n";
    store.put(
        key(v.getModelId()), json.getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
  }

  /** The version a LATEST object names, or 0 when it is missing or unreadable. */
  static int version(Optional<byte[]> latest) {
    try {
      JsonNode n = latest.isPresent() ? JSON.readTree(latest.get()) : null;
      return n != null && n.path("version").canConvertToInt() ? n.path("version").asInt() : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /**
   * Brings every model's LATEST level with {@code models.versions}, as a trainer starts and after a
   * failed write; a failure (S3 or Kafka down) is logged and returns false, for the caller to try
   * again later.
   *
   * @return whether every LATEST was checked (and repaired where it lagged)
   */
  static boolean repair(ObjectStore store, Supplier<VersionLog> log) {
    try {
      VersionLog l = log.get();
      int n = repair(store, l.models().stream().flatMap(m -> l.serving(m).stream()).toList());
      if (n > 0) {
        LOG.info("Rewrote LATEST of {} model(s) that lagged models.versions", n);
      }
      return true;
    } catch (RuntimeException e) {
      LOG.warn("Could not check LATEST against models.versions: {}", e.toString());
      return false;
    }
  }

  /**
   * Rewrites each model's LATEST that names an older version than its serving one; never moves one
   * back (the check and the write are not atomic: a newer write landing between them is
   * overwritten, and repaired at the next trainer start).
   *
   * @param serving each model's serving (highest PUBLISHED) version, from {@code models.versions}
   * @return the models repaired
   */
  static int repair(ObjectStore store, List<ModelVersion> serving) {
    int repaired = 0;
    for (ModelVersion v : serving) {
      if (version(store.get(key(v.getModelId()))) < v.getVersion()) {
        put(store, v);
        repaired++;
      }
    }
    return repaired;
  }
}
