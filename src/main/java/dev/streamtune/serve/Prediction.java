package dev.streamtune.serve;

import java.util.List;

/**
 * A classification: the most probable labels first, and the model version that answered.
 *
 * @param modelId the model
 * @param version the version that computed it
 * @param labels the top labels with their probabilities, most probable first
 */
public record Prediction(String modelId, int version, List<Scored> labels) {
  /** Copies the list. */
  public Prediction {
    labels = List.copyOf(labels);
  }

  /** One label and its probability. */
  public record Scored(String label, double probability) {}
}
