package dev.streamtune.serve;

import java.util.List;

/**
 * A classification: the most probable labels first, and the model version that answered.
 *
 * @param modelId the model
 * @param version the version that computed it
 * @param labels the top labels with their probabilities, most probable first
 * @param margin the top label's probability minus the second's over every label (1 with a single
 *     label): near 0 when the model hesitates
 * @param entropy the entropy of the probabilities over every label, in nats
 * @param projection the model's {@code projection} of the image's features (a fixed random
 *     projection of what the backbone saw, for drift monitoring), empty for a model exported
 *     without one
 */
public record Prediction(
    String modelId,
    int version,
    List<Scored> labels,
    double margin,
    double entropy,
    List<Float> projection) {
  /** Copies the lists. */
  public Prediction {
    labels = List.copyOf(labels);
    projection = List.copyOf(projection);
  }

  /** A classification without a projection. */
  public Prediction(
      String modelId, int version, List<Scored> labels, double margin, double entropy) {
    this(modelId, version, labels, margin, entropy, List.of());
  }

  /** One label and its probability. */
  public record Scored(String label, double probability) {}
}
