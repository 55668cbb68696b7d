package dev.streamtune.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.VersionStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The soak's figures, for BENCHMARKS.md: membership changes and outages survived, records sent,
 * hostile records, versions per model and status, and each process's resident memory at start and
 * at the end.
 */
final class SoakReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final ObjectNode root = JSON.createObjectNode();
  private final long started = System.nanoTime();
  private int changes;

  SoakReport(long seed, Duration run) {
    root.put("seed", seed).put("traffic", run.toString());
    root.putArray("outages");
  }

  void membershipChange() {
    root.put("membershipChanges", ++changes);
  }

  void outage(String server) {
    root.withArray("outages").add(server);
  }

  /**
   * Each running process's RSS and live Java heap (after a full collection) in MiB, under {@code
   * rssMiB.{when}} and {@code heapMiB.{when}}.
   */
  void sample(String when, Fleet fleet) {
    ObjectNode rss = root.withObject("/rssMiB").putObject(when);
    ObjectNode heap = root.withObject("/heapMiB").putObject(when);
    fleet
        .names()
        .forEach(
            name -> {
              fleet.rssKib(name).ifPresent(kib -> rss.put(name, kib / 1024));
              fleet.heapKib(name).ifPresent(kib -> heap.put(name, kib / 1024));
            });
  }

  void finish(int events, int hostile, Map<String, List<ModelVersion>> versions) {
    root.put("records", events)
        .put("hostileRecords", hostile)
        .put("wallSeconds", (System.nanoTime() - started) / 1_000_000_000L);
    ObjectNode v = root.putObject("versions");
    versions.forEach(
        (model, vs) ->
            v.putObject(model)
                .put("versions", vs.size())
                .put(
                    "published",
                    vs.stream().filter(x -> x.getStatus() == VersionStatus.PUBLISHED).count())
                .put("examples", vs.get(vs.size() - 1).getExamples().getTotal()));
  }

  void write(Path file) throws IOException {
    JSON.writeValue(file.toFile(), root);
    System.out.println(
        "soak report: " + file.toAbsolutePath() + "\n" + JSON.writeValueAsString(root));
  }
}
