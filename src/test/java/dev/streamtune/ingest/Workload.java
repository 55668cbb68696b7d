package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.ObjectStore;
import dev.streamtune.testing.Invariants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A reproducible upstream workload for the live ingest tests: new images (inline, and optionally
 * some as {@code ImageRef}s), re-sent events, relabels and poison of every kind, across three
 * models. Events about one image share its key, as an upstream app keyed by image would send them,
 * so they stay in order and the last label is the one that must be stored.
 *
 * @param manifest what the Node script publishes
 * @param distinctImages distinct (model, image) pairs among the good events
 * @param changesPerModel new images plus relabels per model: what ingest's trigger counts
 * @param latestLabels {@code model/sha256} to the label the image must end under
 * @param poison the dead-letter reason expected per record key
 */
record Workload(
    Path manifest,
    int distinctImages,
    Map<String, Integer> changesPerModel,
    Map<String, String> latestLabels,
    Map<String, String> poison) {

  int expectedRequests(int threshold) {
    return changesPerModel.values().stream().mapToInt(n -> n / threshold).sum();
  }

  /** THRESHOLD requests each model should get: floor(changes / threshold). */
  Map<String, Long> requestsPerModel(int threshold) {
    Map<String, Long> out = new HashMap<>();
    changesPerModel.forEach(
        (m, n) -> {
          if (n / threshold > 0) {
            out.put(m, (long) (n / threshold));
          }
        });
    return out;
  }

  /**
   * The invariants after any fault: every good example stored exactly once under its latest label,
   * every poison record dead-lettered exactly once with its reason, and each model's threshold
   * trigger fired exactly as often as its changes call for.
   */
  void assertOutcome(
      KafkaConfig kafka,
      RegistryConfig registry,
      TopicNames topics,
      ObjectStore s3,
      int threshold) {
    Invariants.storedExactlyOnce(s3, latestLabels);
    var dead = IngestIT.read(kafka, topics.deadLetters(), poison.size());
    assertThat(dead).as("each poison record dead-lettered once").hasSize(poison.size());
    assertThat(IngestIT.reasons(dead)).isEqualTo(poison);
    Map<String, Long> perModel = new HashMap<>();
    IngestIT.requests(kafka, registry, topics, expectedRequests(threshold))
        .forEach(
            r -> {
              assertThat(r.getReason()).isEqualTo(TrainingReason.THRESHOLD);
              perModel.merge(r.getModelId(), 1L, Long::sum);
            });
    assertThat(perModel).as("every trigger fired once").isEqualTo(requestsPerModel(threshold));
  }

  static Workload write(Path dir, int events, long seed) throws Exception {
    return write(dir, events, seed, null, null);
  }

  /**
   * A workload where every eighth new image is sent as an {@code ImageRef}: uploaded first to
   * {@code uploads/{sha256}.png} in {@code refs}, the bucket {@code refBucket} that ingest must
   * allow; its relabels and re-sends refer to the same object.
   */
  static Workload write(Path dir, int events, long seed, ObjectStore refs, String refBucket)
      throws Exception {
    Random r = new Random(seed);
    String[] models = {"alpha", "beta", "gamma"};
    ArrayNode manifest = new ObjectMapper().createArrayNode();
    Map<String, Integer> changes = new HashMap<>();
    Map<String, String> poison = new HashMap<>();
    Map<String, String> latest = new HashMap<>();
    List<String[]> sent = new ArrayList<>();
    int images = 0;
    for (int i = 0; i < events; i++) {
      String key = "k" + i;
      var e = manifest.addObject().put("key", key).put("eventId", "evt-" + i);
      String model = models[r.nextInt(models.length)];
      e.put("modelId", model).put("label", "class" + r.nextInt(4)).put("contentType", "image/png");
      if (i % 20 == 7) {
        poison(dir, manifest, e, i, poison);
      } else if ((i % 10 == 3 || i % 10 == 5) && !sent.isEmpty()) {
        String[] again = sent.get(r.nextInt(sent.size()));
        String label =
            i % 10 == 3 ? again[1] : "class" + ((Integer.parseInt(again[1].substring(5)) + 1) % 4);
        e.put("key", again[3]).put("modelId", again[0]).put("label", label);
        image(e, again[2], again[4], again[5]);
        if (!label.equals(again[1])) {
          again[1] = label;
          changes.merge(again[0], 1, Integer::sum);
          latest.put(again[0] + "/" + again[4], label);
        }
      } else {
        String f = file(dir, images++);
        String label = e.get("label").asText();
        byte[] png = Files.readAllBytes(Path.of(f));
        String sha = ArtifactFiles.sha256(png);
        String ref = null;
        if (refs != null && images % 8 == 3) {
          refs.put("uploads/" + sha + ".png", png, "image/png", Map.of());
          ref = "s3://" + refBucket + "/uploads/" + sha + ".png";
        }
        image(e, f, sha, ref);
        sent.add(new String[] {model, label, f, key, sha, ref});
        changes.merge(model, 1, Integer::sum);
        latest.put(model + "/" + sha, label);
      }
    }
    Path m = dir.resolve("manifest.json");
    new ObjectMapper().writeValue(m.toFile(), manifest);
    return new Workload(m, images, changes, latest, poison);
  }

  private static void image(ObjectNode e, String file, String sha, String ref) {
    if (ref == null) {
      e.put("file", file);
    } else {
      e.put("refUri", ref).put("sha256", sha);
    }
  }

  private static void poison(
      Path dir, ArrayNode manifest, ObjectNode e, int i, Map<String, String> poison)
      throws Exception {
    String key = e.get("key").asText();
    switch ((i / 20) % 5) {
      case 0 -> {
        manifest.remove(manifest.size() - 1);
        manifest.addObject().put("key", key).put("rawHex", "0102030405060708");
        poison.put(key, "WRONG_MAGIC_BYTE");
      }
      case 1 -> {
        e.put("label", "../../etc").put("file", file(dir, 100_000 + i));
        poison.put(key, "BAD_LABEL");
      }
      case 2 -> {
        e.put("contentType", "image/jpeg").put("file", file(dir, 100_000 + i));
        poison.put(key, "CONTENT_TYPE_MISMATCH");
      }
      case 3 -> {
        Path f = dir.resolve("text-" + i + ".png");
        Files.writeString(f, "this is not an image");
        e.put("file", f.toString());
        poison.put(key, "UNSUPPORTED_CONTENT_TYPE");
      }
      default -> {
        e.put("modelId", ".hidden").put("file", file(dir, 100_000 + i));
        poison.put(key, "BAD_MODEL_ID");
      }
    }
  }

  private static String file(Path dir, int seed) throws Exception {
    Path f = dir.resolve("img-" + seed + ".png");
    if (!Files.exists(f)) {
      Files.write(f, IngestTopologyTest.png(seed + 1));
    }
    return f.toString();
  }
}
