package dev.streamtune.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A classification head on backbone features: z-score normalization, then softmax regression
 * ({@code hidden == 0}) or a one-hidden-layer ReLU MLP, then softmax.
 *
 * <p>Parameters are row-major: {@code W1} [inputs × units], {@code b1} [units], and for an MLP
 * {@code W2} [hidden × classes], {@code b2} [classes]. Output unit {@code k} is label {@code k};
 * {@link #withLabels} appends units for new labels and keeps the old ones, which is how a warm
 * start grows a model.
 *
 * @param labels class labels in output order
 * @param featureLayer the backbone layer whose pooled activations are the input
 * @param mean per-dimension mean of the training features (z-score)
 * @param std per-dimension standard deviation of the training features (z-score), all positive
 * @param hidden hidden units, 0 for softmax regression
 * @param params the parameter tensors, flattened, in the order above
 */
public record Head(
    List<String> labels,
    String featureLayer,
    float[] mean,
    float[] std,
    int hidden,
    List<float[]> params) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final float MIN_STD = 1e-3f;

  /** Checks the shapes. */
  public Head {
    labels = List.copyOf(labels);
    params = List.copyOf(params);
    if (mean.length != std.length) {
      throw new IllegalArgumentException("mean and std differ in length");
    }
    int units = hidden > 0 ? hidden : labels.size();
    int[] expected =
        hidden > 0
            ? new int[] {mean.length * hidden, hidden, hidden * labels.size(), labels.size()}
            : new int[] {mean.length * units, units};
    if (params.size() != expected.length) {
      throw new IllegalArgumentException(
          "expected " + expected.length + " parameter tensors, got " + params.size());
    }
    for (int i = 0; i < expected.length; i++) {
      if (params.get(i).length != expected[i]) {
        throw new IllegalArgumentException(
            "parameter " + i + " has " + params.get(i).length + " values, expected " + expected[i]);
      }
    }
  }

  /**
   * A fresh head: Glorot-uniform weights drawn from {@code seed}, zero biases.
   *
   * @param stats z-score statistics of the training features, from {@link #statistics}
   */
  public static Head initial(
      List<String> labels, String featureLayer, Statistics stats, int hidden, long seed) {
    Random r = new Random(seed);
    int d = stats.mean().length;
    int k = labels.size();
    List<float[]> p = new ArrayList<>();
    if (hidden > 0) {
      p.add(glorot(r, d, hidden));
      p.add(new float[hidden]);
      p.add(glorot(r, hidden, k));
      p.add(new float[k]);
    } else {
      p.add(glorot(r, d, k));
      p.add(new float[k]);
    }
    return new Head(labels, featureLayer, stats.mean(), stats.std(), hidden, p);
  }

  /**
   * Z-score statistics of feature vectors, per dimension.
   *
   * @param mean the mean
   * @param std the standard deviation, floored so that constant dimensions do not explode
   */
  public record Statistics(float[] mean, float[] std) {}

  /** Z-score statistics of feature vectors. */
  public static Statistics statistics(float[][] x) {
    int d = x[0].length;
    double[] sum = new double[d];
    double[] sq = new double[d];
    for (float[] v : x) {
      for (int j = 0; j < d; j++) {
        sum[j] += v[j];
        sq[j] += (double) v[j] * v[j];
      }
    }
    float[] mean = new float[d];
    float[] std = new float[d];
    for (int j = 0; j < d; j++) {
      double m = sum[j] / x.length;
      mean[j] = (float) m;
      std[j] = (float) Math.max(MIN_STD, Math.sqrt(Math.max(0, sq[j] / x.length - m * m)));
    }
    return new Statistics(mean, std);
  }

  /** Input dimensions. */
  public int inputs() {
    return mean.length;
  }

  /** Number of output classes. */
  public int classes() {
    return labels.size();
  }

  /** Normalizes raw feature vectors with this head's statistics. */
  public float[][] normalize(float[][] raw) {
    float[][] out = new float[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      float[] v = new float[mean.length];
      for (int j = 0; j < v.length; j++) {
        v[j] = (raw[i][j] - mean[j]) / std[j];
      }
      out[i] = v;
    }
    return out;
  }

  /**
   * The same head with {@code newLabels} in output order: every old label must still be in it, at
   * its old position, and new labels follow. New output units start at zero, so the old units'
   * predictions among themselves are unchanged.
   *
   * @throws IllegalArgumentException if an old label is missing or moved
   */
  public Head withLabels(List<String> newLabels) {
    if (newLabels.size() < labels.size() || !newLabels.subList(0, labels.size()).equals(labels)) {
      throw new IllegalArgumentException(
          "New labels " + newLabels + " must start with the old ones " + labels);
    }
    int k = newLabels.size();
    int last = params.size() - 2;
    int in = params.get(last).length / labels.size();
    float[] w = new float[in * k];
    for (int i = 0; i < in; i++) {
      System.arraycopy(params.get(last), i * labels.size(), w, i * k, labels.size());
    }
    float[] b = java.util.Arrays.copyOf(params.get(last + 1), k);
    List<float[]> p = new ArrayList<>(params.subList(0, last));
    p.add(w);
    p.add(b);
    return new Head(newLabels, featureLayer, mean, std, hidden, p);
  }

  /** The same head with other parameters. */
  public Head withParams(List<float[]> newParams) {
    return new Head(labels, featureLayer, mean, std, hidden, newParams);
  }

  /** sha256 of the normalization statistics and the feature layer: fixed along a lineage. */
  public String normalizationDigest() {
    var sha = KerasLayersModel.sha256();
    sha.update(featureLayer.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    sha.update(floats(mean));
    sha.update(floats(std));
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Serializes to JSON, floats as base64 of little-endian float32. */
  public byte[] toJson() {
    ObjectNode n =
        JSON.createObjectNode()
            .put("format", "streamtune-head/1")
            .put("featureLayer", featureLayer)
            .put("hidden", hidden)
            .put("inputs", inputs());
    labels.forEach(n.putArray("labels")::add);
    n.put("mean", b64(mean)).put("std", b64(std));
    var ps = n.putArray("params");
    params.forEach(p -> ps.add(b64(p)));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads {@link #toJson()}'s output.
   *
   * @throws IllegalArgumentException if it is not a head
   */
  public static Head fromJson(byte[] json) {
    try {
      JsonNode n = JSON.readTree(json);
      if (!"streamtune-head/1".equals(n.path("format").asText())) {
        throw new IllegalArgumentException("Not a streamtune-head/1 document");
      }
      List<String> labels = new ArrayList<>();
      n.get("labels").forEach(l -> labels.add(l.asText()));
      List<float[]> params = new ArrayList<>();
      n.get("params").forEach(p -> params.add(unb64(p.asText())));
      return new Head(
          labels,
          n.get("featureLayer").asText(),
          unb64(n.get("mean").asText()),
          unb64(n.get("std").asText()),
          n.get("hidden").asInt(),
          params);
    } catch (IOException e) {
      throw new IllegalArgumentException("Not a head: " + e.getMessage(), e);
    }
  }

  private static float[] glorot(Random r, int in, int out) {
    double limit = Math.sqrt(6.0 / (in + out));
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
    }
    return w;
  }

  private static byte[] floats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  private static String b64(float[] v) {
    return Base64.getEncoder().encodeToString(floats(v));
  }

  private static float[] unb64(String s) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(s)).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[b.remaining() / 4];
    b.asFloatBuffer().get(v);
    return v;
  }
}
