package dev.streamtune.feedback;

import dev.streamtune.events.ImageRef;
import dev.streamtune.events.LabelGuess;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.Prediction;
import dev.streamtune.image.ImageDecoder;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one owner of how a labelling request is asked and answered: the request an uncertain {@code
 * Prediction} makes, and the {@code LabelledImage} that answers it, an {@code ImageRef} to the kept
 * image with the request's id in {@link #ATTRIBUTE}.
 */
public final class LabellingRequests {
  /** The attribute of an answer that names the request it answers. */
  public static final String ATTRIBUTE = "streamtune-labelling-request";

  /** The attribute of an answer that says who answered (a person, an app, the demo). */
  public static final String SOURCE = "streamtune-labelled-by";

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern FEEDBACK_URI =
      Pattern.compile("s3://[^/]+/feedback/[^/]+/([0-9a-f]{64})\\.([a-z]{3,4})");

  private LabellingRequests() {}

  /**
   * The request an uncertain prediction makes, or empty when it kept no image or names it in a form
   * no labeller could answer (a hostile or broken producer): an image outside {@code feedback/}, a
   * sha256 that is not the one in its key, a format ingest does not read.
   */
  public static Optional<LabellingRequest> ask(Prediction p) {
    String uri = p.getImageUri();
    if (uri == null || !SHA256.matcher(p.getImageSha256()).matches()) {
      return Optional.empty();
    }
    var m = FEEDBACK_URI.matcher(uri);
    if (!m.matches() || !m.group(1).equals(p.getImageSha256())) {
      return Optional.empty();
    }
    return contentType(m.group(2))
        .map(
            type ->
                LabellingRequest.newBuilder()
                    .setRequestId(p.getPredictionId())
                    .setModelId(p.getModelId())
                    .setVersion(p.getVersion())
                    .setRequestedAt(p.getPredictedAt())
                    .setImageUri(uri)
                    .setImageSha256(p.getImageSha256())
                    .setContentType(type)
                    .setGuesses(
                        p.getTop().stream()
                            .map(s -> new LabelGuess(s.getLabel(), s.getProbability()))
                            .toList())
                    .setMargin(p.getMargin())
                    .setEntropy(p.getEntropy())
                    .setAttributes(new HashMap<>(p.getAttributes()))
                    .build());
  }

  /**
   * The answer to a request: an ordinary labelled image for ingest, its image a reference to the
   * kept one, its event id derived from the request so that answering twice stores it once.
   *
   * @param labelledBy who answered, recorded in {@link #SOURCE}
   */
  public static LabelledImage answer(
      LabellingRequest r, String label, String labelledBy, Instant at) {
    Map<String, String> attributes = new HashMap<>();
    attributes.put(ATTRIBUTE, r.getRequestId());
    attributes.put(SOURCE, labelledBy);
    return LabelledImage.newBuilder()
        .setEventId("labelling-" + r.getRequestId())
        .setModelId(r.getModelId())
        .setLabel(label)
        .setImage(new ImageRef(r.getImageUri(), r.getImageSha256(), r.getContentType()))
        .setCapturedAt(at)
        .setAttributes(attributes)
        .build();
  }

  /** The MIME type of a file extension ingest reads, such as {@code image/jpeg} for {@code jpg}. */
  static Optional<String> contentType(String extension) {
    String e = extension.toLowerCase(Locale.ROOT);
    for (String format : new String[] {"png", "jpeg", "gif", "bmp"}) {
      if (ImageDecoder.extension(format).equals(e)) {
        return Optional.of("image/" + format);
      }
    }
    return Optional.empty();
  }
}
