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
 */
public record PredictionConfig(double sample, int queue, double uncertainMargin) {

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

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS = List.of(SAMPLE, QUEUE, UNCERTAIN_MARGIN);

  /** Checks the values. */
  public PredictionConfig {
    if (!(sample >= 0 && sample <= 1)
        || queue < 1
        || !(uncertainMargin >= 0 && uncertainMargin <= 1)) {
      throw new IllegalArgumentException(
          "sample and uncertainMargin must be from 0 to 1, queue at least 1: "
              + sample
              + ", "
              + uncertainMargin
              + ", "
              + queue);
    }
  }

  /** Reads the settings. */
  public static PredictionConfig from(ConfigSource s) {
    return new PredictionConfig(s.get(SAMPLE), s.get(QUEUE), s.get(UNCERTAIN_MARGIN));
  }

  /** The defaults: nothing published. */
  public static PredictionConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /** Whether any prediction is published. */
  public boolean enabled() {
    return sample > 0 || uncertainMargin > 0;
  }

  /** Whether a prediction of this margin is uncertain. */
  public boolean uncertain(double margin) {
    return margin < uncertainMargin;
  }
}
