package dev.streamtune.store;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where examples live in the bucket and what they carry: {@code examples/{modelId}/{label}/{sha256}.{ext}},
 * the label being the folder, with the user metadata {@value #REVISION}, the number of the label
 * decision that wrote the object (1 for an image's first label, one more for each relabel, counted
 * by ingest in its exactly-once state). Of two objects of one image under two labels, the higher
 * revision is the image's label: a fenced ingest instance's late write repeats an older decision,
 * so it never outranks the new owner's.
 */
public final class ExampleLayout {
  /** The user-metadata name of an example's revision. */
  public static final String REVISION = "revision";
  private static final Pattern KEY = Pattern.compile("examples/([^/]+)/([^/]+)/([0-9a-f]{64})\\.([a-z0-9]+)");

  private ExampleLayout() {}

  /**
   * One example's key, parsed.
   *
   * @param modelId the model
   * @param label the label folder
   * @param sha256 the image's content hash
   * @param key the whole key
   */
  public record Parsed(String modelId, String label, String sha256, String key) {}

  /** Where an example lives. */
  public static String key(String modelId, String label, String sha256, String ext) {
    return prefix(modelId) + label + "/" + sha256 + "." + ext;
  }

  /** The prefix of every example of a model. */
  public static String prefix(String modelId) {
    return "examples/" + modelId + "/";
  }

  /** The example a key names, if it is one of {@code modelId}'s. */
  public static Optional<Parsed> parse(String modelId, String key) {
    Matcher m = KEY.matcher(key);
    return m.matches() && m.group(1).equals(modelId)
        ? Optional.of(new Parsed(modelId, m.group(2), m.group(3), key)) : Optional.empty();
  }

  /** An example's revision from its metadata; 0 when it has none (written before revisions). */
  public static long revision(Map<String, String> metadata) {
    String r = metadata.get(REVISION);
    return r != null && r.matches("\\d{1,18}") ? Long.parseLong(r) : 0;
  }
}
