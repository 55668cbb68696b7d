package dev.streamtune.serve;

import dev.streamtune.events.ModelVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The classifier of one model, whose version a {@link ModelSubscriber} swaps atomically when a new
 * one is published. A call runs entirely on the version that was current when it started; the
 * replaced version is closed when the last call on it returns.
 *
 * <pre>{@code
 * Prediction p = subscriber.classifier("pets").orElseThrow().classify(jpegBytes);
 * p.labels().get(0).label();   // "cat", answered by version p.version()
 * }</pre>
 */
public final class Classifier implements AutoCloseable {
  /** Labels returned by {@link #classify(byte[])}. */
  public static final int DEFAULT_TOP_K = 5;

  private final String modelId;
  private final AtomicReference<Loaded> current = new AtomicReference<>();

  Classifier(String modelId) {
    this.modelId = modelId;
  }

  /** The model this classifier serves. */
  public String modelId() {
    return modelId;
  }

  /** The version served, if one is loaded. */
  public Optional<ModelVersion> served() {
    Loaded l = current.get();
    return l == null ? Optional.empty() : Optional.of(l.version());
  }

  /** The {@value #DEFAULT_TOP_K} most probable labels. */
  public Prediction classify(byte[] image) {
    return classify(image, DEFAULT_TOP_K);
  }

  /**
   * The {@code topK} most probable labels of an encoded image (JPEG, PNG, GIF or BMP).
   *
   * @throws NotLoadedException if no version is loaded yet
   * @throws dev.streamtune.image.ImageDecodeException if the bytes are not a decodable image
   */
  public Prediction classify(byte[] image, int topK) {
    Loaded l = acquire();
    try {
      var scores = l.model().score(List.of(image));
      float[] p = scores.probabilities()[0];
      List<Float> projection = new ArrayList<>();
      for (float v : scores.projections()[0]) {
        projection.add(v);
      }
      List<String> labels = l.model().labels();
      List<Prediction.Scored> all = new ArrayList<>(p.length);
      for (int i = 0; i < p.length; i++) {
        all.add(new Prediction.Scored(labels.get(i), p[i]));
      }
      all.sort(Comparator.comparingDouble(Prediction.Scored::probability).reversed());
      return new Prediction(
          modelId,
          l.version().getVersion(),
          all.subList(0, Math.min(topK, all.size())),
          all.size() < 2 ? 1 : all.get(0).probability() - all.get(1).probability(),
          entropy(p),
          projection);
    } finally {
      l.release();
    }
  }

  /** The entropy of a distribution, in nats (0 log 0 = 0). */
  static double entropy(float[] p) {
    double h = 0;
    for (float x : p) {
      if (x > 0) {
        h -= x * Math.log(x);
      }
    }
    return h;
  }

  /** Makes {@code next} current; the previous version closes when its last call returns. */
  void swap(Loaded next) {
    Loaded old = current.getAndSet(next);
    if (old != null) {
      old.release();
    }
  }

  /**
   * Hands the current version over, with its reference, to another classifier's {@link #swap},
   * leaving none here; null when none is loaded.
   */
  Loaded take() {
    return current.getAndSet(null);
  }

  /** Unloads the current version (calls in flight still finish on it). */
  @Override
  public void close() {
    swap(null);
  }

  private Loaded acquire() {
    for (; ; ) {
      Loaded l = current.get();
      if (l == null) {
        throw new NotLoadedException(modelId);
      }
      if (l.retain()) {
        return l;
      }
    }
  }

  /** No version of the model is loaded (yet). */
  public static final class NotLoadedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    NotLoadedException(String modelId) {
      super("No version of model " + modelId + " is loaded yet");
    }
  }
}
