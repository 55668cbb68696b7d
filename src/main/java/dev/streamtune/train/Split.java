package dev.streamtune.train;

import java.util.List;
import java.util.Map;

/**
 * A dataset's training and validation rows: features of any candidate layer, and label indices in
 * the order of the model's output units.
 */
final class Split {
  private final List<Dataset.Example> train;
  private final List<Dataset.Example> validation;
  private final Map<String, float[][]> vectors;
  private final List<String> layers;
  private final int[] trainY;
  private final int[] valY;

  Split(Dataset data, List<String> labels, Map<String, float[][]> vectors, List<String> layers) {
    this(data.train(), data.validationExamples(), labels, vectors, layers);
  }

  /** Rows of the given training and validation examples (a run may train on a draw). */
  Split(
      List<Dataset.Example> train,
      List<Dataset.Example> validation,
      List<String> labels,
      Map<String, float[][]> vectors,
      List<String> layers) {
    this.train = List.copyOf(train);
    this.validation = List.copyOf(validation);
    this.vectors = vectors;
    this.layers = List.copyOf(layers);
    this.trainY = train.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
    this.valY = validation.stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
  }

  List<String> layers() {
    return layers;
  }

  List<Dataset.Example> validationExamples() {
    return validation;
  }

  int[] trainY() {
    return trainY;
  }

  int[] valY() {
    return valY;
  }

  float[][] trainX(String layer) {
    return rows(train, layer);
  }

  float[][] valX(String layer) {
    return rows(validation, layer);
  }

  private float[][] rows(List<Dataset.Example> examples, String layer) {
    int i = layers.indexOf(layer);
    if (i < 0) {
      throw new IllegalArgumentException("No features of layer " + layer + " among " + layers);
    }
    return examples.stream().map(e -> vectors.get(e.sha256())[i]).toArray(float[][]::new);
  }
}
