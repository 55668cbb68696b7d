package dev.streamtune.store;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every object key Streamtune reads or writes in its bucket, built and parsed here and nowhere else
 * (DESIGN.md, "Storage layout"):
 *
 * <ul>
 *   <li>{@code examples/{modelId}/{label}/{sha256}.{ext}}: the examples, the label being the
 *       folder, with the user metadata {@value #REVISION}: the number of the label decision that
 *       wrote the object (1 for an image's first label, one more for each relabel, counted by
 *       ingest in its exactly-once state). Of two objects of one image under two labels, the higher
 *       revision is the image's label: a fenced ingest instance's late write repeats an older
 *       decision, so it never outranks the new owner's;
 *   <li>{@code features/{backboneDigest}/{modelId}/} and {@code
 *       activations/{backboneDigest}/{layer}/{modelId}/}: the caches' packs;
 *   <li>{@code models/{modelId}/{version}/{runId}/}: a run's artifacts, and {@code
 *       models/{modelId}/LATEST};
 *   <li>{@code quarantine/{modelId}/{sha256}.json}: images training refused;
 *   <li>{@code ingest/{applicationId}}: the marker of an ingest application's bucket;
 *   <li>{@code uploads/{modelId}/{sha256}.{ext}}: images the demo's producer refers to.
 * </ul>
 */
public final class BucketLayout {
  /** The user-metadata name of an example's revision. */
  public static final String REVISION = "revision";

  private static final Pattern KEY =
      Pattern.compile("examples/([^/]+)/([^/]+)/([0-9a-f]{64})\\.([a-z0-9]+)");

  private BucketLayout() {}

  /**
   * One example's key, parsed.
   *
   * @param modelId the model
   * @param label the label folder
   * @param sha256 the image's content hash
   * @param key the whole key
   */
  public record Parsed(String modelId, String label, String sha256, String key) {}

  /** The root of the feature cache. */
  public static final String FEATURES = "features/";

  /** The root of the activation cache. */
  public static final String ACTIVATIONS = "activations/";

  private static final Pattern QUARANTINE =
      Pattern.compile("quarantine/([^/]+)/([0-9a-f]{64})\\.json");

  /** The prefix of a model's feature packs for one backbone. */
  public static String features(String backboneDigest, String modelId) {
    return FEATURES + backboneDigest + "/" + modelId + "/";
  }

  /** The prefix of a model's activation packs for one backbone and layer. */
  public static String activations(String backboneDigest, String layer, String modelId) {
    return ACTIVATIONS + backboneDigest + "/" + layer + "/" + modelId + "/";
  }

  /** The prefix of every version of a model. */
  public static String models(String modelId) {
    return "models/" + modelId + "/";
  }

  /** The prefix of one run's artifacts. */
  public static String run(String modelId, int version, String runId) {
    return models(modelId) + version + "/" + runId + "/";
  }

  /** The object naming a model's last PUBLISHED version. */
  public static String latest(String modelId) {
    return models(modelId) + "LATEST";
  }

  /** The prefix of a model's quarantine records. */
  public static String quarantine(String modelId) {
    return "quarantine/" + modelId + "/";
  }

  /** One quarantine record. */
  public static String quarantine(String modelId, String sha256) {
    return quarantine(modelId) + sha256 + ".json";
  }

  /** The sha256 a quarantine record of {@code modelId} names, if the key is one. */
  public static Optional<String> quarantined(String modelId, String key) {
    Matcher m = QUARANTINE.matcher(key);
    return m.matches() && m.group(1).equals(modelId) ? Optional.of(m.group(2)) : Optional.empty();
  }

  /** The marker of an ingest application's bucket. */
  public static String ingestMarker(String applicationId) {
    return "ingest/" + applicationId;
  }

  /** Where serve keeps an image a model was unsure of, for labelling. */
  public static String feedback(String modelId, String sha256, String ext) {
    return feedback() + modelId + "/" + sha256 + "." + ext;
  }

  /** The prefix of every image serve kept for labelling. */
  public static String feedback() {
    return "feedback/";
  }

  /** Where the demo's producer uploads an image its events refer to. */
  public static String upload(String modelId, String sha256, String ext) {
    return "uploads/" + modelId + "/" + sha256 + "." + ext;
  }

  /** The prefix of every example. */
  public static String examples() {
    return "examples/";
  }

  /** Where an example lives. */
  public static String key(String modelId, String label, String sha256, String ext) {
    return prefix(modelId) + label + "/" + sha256 + "." + ext;
  }

  /** The prefix of every example of a model. */
  public static String prefix(String modelId) {
    return examples() + modelId + "/";
  }

  /** The example a key names, if it is one of {@code modelId}'s. */
  public static Optional<Parsed> parse(String modelId, String key) {
    Matcher m = KEY.matcher(key);
    return m.matches() && m.group(1).equals(modelId)
        ? Optional.of(new Parsed(modelId, m.group(2), m.group(3), key))
        : Optional.empty();
  }

  /** An example's revision from its metadata; 0 when it has none (written before revisions). */
  public static long revision(Map<String, String> metadata) {
    String r = metadata.get(REVISION);
    return r != null && r.matches("\\d{1,18}") ? Long.parseLong(r) : 0;
  }
}
