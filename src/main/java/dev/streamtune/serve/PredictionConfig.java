package dev.streamtune.serve;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.util.List;
import java.util.Map;

/**
 * What serve publishes of its classifications on the {@code predictions} topic ({@link
 * PredictionLog}).
 *
 * @param sample the share of classifications published, 0 to 1: 0 publishes none (the default), 1
 *     every one; each classification is drawn at random
 * @param queue how many predictions may wait for the broker; more are dropped and counted, so a
 *     classification never waits on Kafka
 * @param uncertainMargin a prediction whose margin (top probability minus the second) is under this
 *     is uncertain: published whatever the sample draws, with its image kept under {@code
 *     feedback/} for labelling; 0 (the default) marks none
 * @param uncertainEntropy a prediction whose entropy (nats, over every label) is above this is
 *     uncertain too; 0 (the default) marks none
 */
public record PredictionConfig(
    double sample, int queue, double uncertainMargin, double uncertainEntropy) {

  /** Sampling. */
  public static final Setting<Double> SAMPLE =
      Setting.decimal(
          "serve.predictions.sample",
          0.0,
          0,
          1,
          "share of classifications published to the predictions topic (0 none, 1 every one), "
              + "drawn at random per classification");

  /** Queue. */
  public static final Setting<Integer> QUEUE =
      Setting.integer(
          "serve.predictions.queue",
          10_000,
          1,
          10_000_000,
          "predictions that may wait for the broker; more are dropped and counted in "
              + "streamtune.serve.predictions{outcome=dropped}, so a classification never waits "
              + "on Kafka");

  /** Uncertainty. */
  public static final Setting<Double> UNCERTAIN_MARGIN =
      Setting.decimal(
          "serve.uncertain.margin",
          0.0,
          0,
          1,
          "a classification whose top probability leads the second by less than this is "
              + "uncertain: published to predictions whatever serve.predictions.sample draws, its "
              + "image kept under feedback/ for labelling (0 marks none)");

  /** Uncertainty by entropy. */
  public static final Setting<Double> UNCERTAIN_ENTROPY =
      Setting.decimal(
          "serve.uncertain.entropy",
          0.0,
          0,
          100,
          "a classification whose entropy over every label (in nats; ln of the label count when "
              + "uniform) is above this is uncertain as well, whatever its margin (0 marks none)");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      List.of(SAMPLE, QUEUE, UNCERTAIN_MARGIN, UNCERTAIN_ENTROPY);

  /** Settings without the entropy rule. */
  public PredictionConfig(double sample, int queue, double uncertainMargin) {
    this(sample, queue, uncertainMargin, 0);
  }

  /** Checks the values. */
  public PredictionConfig {
    if (!(sample >= 0 && sample <= 1)
        || queue < 1
        || !(uncertainMargin >= 0 && uncertainMargin <= 1)
        || !(uncertainEntropy >= 0)) {
      throw new IllegalArgumentException(
          "sample and uncertainMargin must be from 0 to 1, uncertainEntropy at least 0, queue at "
              + "least 1: "
              + sample
              + ", "
              + uncertainMargin
              + ", "
              + uncertainEntropy
              + ", "
              + queue);
    }
  }

  /** Reads the settings. */
  public static PredictionConfig from(ConfigSource s) {
    return new PredictionConfig(
        s.get(SAMPLE), s.get(QUEUE), s.get(UNCERTAIN_MARGIN), s.get(UNCERTAIN_ENTROPY));
  }

  /** The defaults: nothing published. */
  public static PredictionConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /** Whether any prediction is published. */
  public boolean enabled() {
    return sample > 0 || uncertainMargin > 0 || uncertainEntropy > 0;
  }

  /** Whether a prediction of this margin and entropy is uncertain. */
  public boolean uncertain(double margin, double entropy) {
    return margin < uncertainMargin || (uncertainEntropy > 0 && entropy > uncertainEntropy);
  }
}
