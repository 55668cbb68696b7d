package dev.streamtune.train;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes orphaned runs: artifacts under {@code models/{modelId}/{version}/{runId}/} that no event
 * names, left by a trainer that crashed or was fenced before publishing. A run is removed only when
 * its version number has been decided on the topic (published or rejected under another run) and
 * the run is older than the grace period, judged by the UTC time that starts every run id, so a run
 * still in progress is never touched.
 */
final class Janitor {
  private static final Logger LOG = LoggerFactory.getLogger(Janitor.class);
  private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  private Janitor() {}

  /** The run each decided version names. */
  static Map<Integer, String> runs(List<ModelVersion> versions) {
    Map<Integer, String> out = new HashMap<>();
    versions.forEach(v -> out.put(v.getVersion(), v.getTraining().getRunId()));
    return out;
  }

  /**
   * Removes the model's orphaned runs.
   *
   * @param decided the run id of each version on the topic
   * @return the run prefixes removed
   */
  static List<String> sweep(
      ObjectStore store,
      String modelId,
      Map<Integer, String> decided,
      Instant now,
      Duration grace) {
    Set<String> named = new HashSet<>();
    decided.forEach((version, run) -> named.add(ArtifactWriter.prefix(modelId, version, run)));
    int highest = decided.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    String root = BucketLayout.models(modelId);
    Set<String> orphans = new java.util.TreeSet<>();
    for (String key : store.list(root)) {
      String[] parts = key.substring(root.length()).split("/", 3);
      if (parts.length < 3 || !parts[0].matches("[0-9]+") || Integer.parseInt(parts[0]) > highest) {
        continue;
      }
      String run = root + parts[0] + "/" + parts[1] + "/";
      if (!named.contains(run) && olderThan(parts[1], now, grace)) {
        orphans.add(run);
      }
    }
    for (String run : orphans) {
      store.list(run).forEach(store::delete);
      LOG.info("Removed orphaned run {}", run);
    }
    return List.copyOf(orphans);
  }

  private static boolean olderThan(String runId, Instant now, Duration grace) {
    try {
      Instant started =
          LocalDateTime.parse(runId.substring(0, 14), RUN_TIME).toInstant(ZoneOffset.UTC);
      return started.plus(grace).isBefore(now);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Removes a model's orphaned runs after a publish; a failure is logged, and the next publish
   * sweeps again. The log read at the start of the run still holds every decided version but the
   * one just published: while the trainer holds the model's transactional id, no other can publish.
   */
  static void afterPublish(
      ObjectStore store,
      String modelId,
      VersionLog log,
      ModelVersion published,
      Instant now,
      Duration grace) {
    try {
      Map<Integer, String> decided = runs(log.versions(modelId));
      if (published != null) {
        decided.put(published.getVersion(), published.getTraining().getRunId());
      }
      sweep(store, modelId, decided, now, grace);
    } catch (RuntimeException e) {
      LOG.warn("Could not sweep orphaned runs of {}: {}", modelId, e.toString());
    }
  }
}
