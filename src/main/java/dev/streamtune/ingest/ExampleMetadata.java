package dev.streamtune.ingest;

import dev.streamtune.events.LabelledImage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The user metadata an example is written with: {@code event-id}, {@code captured-at} and each
 * attribute as {@code attr-<name>}, printable ASCII. Validation limits its size with the same
 * function that builds it, so what was checked is what is written.
 */
final class ExampleMetadata {
  private static final String PREFIX = "x-amz-meta-";

  private ExampleMetadata() {}

  /** The metadata of an event's example. */
  static Map<String, String> of(LabelledImage e) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("event-id", ascii(e.getEventId()));
    m.put("captured-at", e.getCapturedAt().toString());
    e.getAttributes()
        .forEach(
            (k, v) ->
                m.put(
                    "attr-" + k.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-"), ascii(v)));
    return m;
  }

  /**
   * Its size as S3 counts it against the 2 KiB of user metadata: the UTF-8 bytes of each name (with
   * its {@code x-amz-meta-} prefix, to err on the safe side) and value.
   */
  static int size(Map<String, String> metadata) {
    int n = 0;
    for (var e : metadata.entrySet()) {
      n +=
          (PREFIX + e.getKey()).getBytes(StandardCharsets.UTF_8).length
              + e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    return n;
  }

  private static String ascii(String s) {
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
