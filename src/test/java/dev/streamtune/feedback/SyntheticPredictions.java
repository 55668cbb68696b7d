package dev.streamtune.feedback;

import dev.streamtune.events.Prediction;
import dev.streamtune.events.ScoredLabel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Sampled predictions of a seeded synthetic model over four labels: undrifted, the classes uniform,
 * the top probability high, the projection standard normal; drifted, 70% of them "shoe", less sure,
 * the projection shifted by one deviation.
 */
final class SyntheticPredictions {
  private static final List<String> LABELS = List.of("boot", "coat", "shirt", "shoe");
  private final Random random;

  SyntheticPredictions(long seed) {
    this.random = new Random(seed);
  }

  /** An undrifted or a drifted prediction. */
  Prediction next(String model, int version, boolean drifted) {
    return next(model, version, drifted, drifted, drifted ? 1 : 0);
  }

  /**
   * A prediction.
   *
   * @param skewed whether the classes are skewed to "shoe"
   * @param unsure whether the top probability is low
   * @param shift how far the projection is shifted
   */
  Prediction next(String model, int version, boolean skewed, boolean unsure, double shift) {
    String label =
        skewed && random.nextDouble() < 0.7 ? "shoe" : LABELS.get(random.nextInt(LABELS.size()));
    float top =
        unsure
            ? (float) (0.3 + 0.3 * random.nextDouble())
            : (float) Math.min(1, Math.max(0.26, 0.95 - 0.1 * Math.abs(random.nextGaussian())));
    List<Float> projection = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      projection.add((float) (random.nextGaussian() + shift));
    }
    return Prediction.newBuilder()
        .setPredictionId(UUID.randomUUID().toString())
        .setModelId(model)
        .setVersion(version)
        .setPredictedAt(Instant.parse("2026-12-07T10:00:00Z"))
        .setTop(List.of(new ScoredLabel(label, top)))
        .setMargin(0.5f)
        .setEntropy(0.5f)
        .setImageSha256("a".repeat(64))
        .setProjection(projection)
        .build();
  }
}
