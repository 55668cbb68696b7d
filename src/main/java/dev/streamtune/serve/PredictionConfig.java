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
 */
public record PredictionConfig(double sample, int queue) {

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

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS = List.of(SAMPLE, QUEUE);

  /** Checks the values. */
  public PredictionConfig {
    if (!(sample >= 0 && sample <= 1) || queue < 1) {
      throw new IllegalArgumentException(
          "sample must be from 0 to 1 and queue at least 1: " + sample + ", " + queue);
    }
  }

  /** Reads the settings. */
  public static PredictionConfig from(ConfigSource s) {
    return new PredictionConfig(s.get(SAMPLE), s.get(QUEUE));
  }

  /** The defaults: nothing published. */
  public static PredictionConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /** Whether any prediction is published. */
  public boolean enabled() {
    return sample > 0;
  }
}
