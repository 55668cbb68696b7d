package dev.streamtune.ml;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import dev.streamtune.image.DecodeBudget;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the backbone and feature extraction.
 *
 * @param baseModel directory of the base model: a TF.js layers model ({@code model.json} and
 *     shards)
 * @param cacheDir where converted backbones are kept
 * @param featureLayers candidate layers whose pooled activations are extracted together
 * @param maxPixels the most pixels an image may have; larger ones are refused before decoding
 * @param batchSize images per forward pass
 * @param intraOpThreads TensorFlow threads within an op
 * @param interOpThreads TensorFlow threads across ops
 * @param workers batches run at once by a bulk extraction, each on its own predictor, so decoding
 *     one batch overlaps the forward pass of another
 * @param decodeBudget the pixels all of the process's image decodes may hold at once (images are
 *     decoded subsampled to under 896 pixels a side, so this bounds decoding's heap whatever the
 *     images and however many threads decode)
 */
public record FeatureConfig(
    Path baseModel,
    Path cacheDir,
    List<String> featureLayers,
    long maxPixels,
    int batchSize,
    int intraOpThreads,
    int interOpThreads,
    int workers,
    long decodeBudget) {

  /** Where the default base model is fetched to. */
  public static final String DEFAULT_BASE_MODEL =
      "~/.streamtune/base-model/nsfwjs-4.4.0-mobilenet_v2";

  /** Base model. */
  public static final Setting<Path> BASE_MODEL =
      Setting.path(
          "ml.base.model",
          DEFAULT_BASE_MODEL,
          "TF.js layers model directory (model.json and shards); the default is fetched from nsfwjs@4.4.0");

  /** Conversion cache. */
  public static final Setting<Path> CACHE_DIR =
      Setting.path(
          "ml.cache.dir",
          "~/.streamtune/backbones",
          "where converted backbones are cached, keyed by digest");

  /** Candidate layers. */
  public static final Setting<List<String>> FEATURE_LAYERS =
      new Setting<>(
          "ml.feature.layers",
          "comma-separated candidate layers whose pooled activations are cached together",
          List.of("block_12_add", "block_13_expand_relu", "out_relu"),
          s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList(),
          l -> !l.isEmpty() && l.stream().allMatch(x -> x.matches("[A-Za-z0-9_./-]+")),
          "must be a comma-separated list of layer names",
          false,
          false);

  /** Pixel limit. */
  public static final Setting<Integer> MAX_MEGAPIXELS =
      Setting.integer(
          "ml.max.megapixels",
          40,
          1,
          1000,
          "largest image accepted, in megapixels; checked from the header before decoding");

  /** Batch size. */
  public static final Setting<Integer> BATCH_SIZE =
      Setting.integer(
          "ml.batch.size", 8, 1, 256, "images per forward pass (8 is fastest on 2 cores)");

  /** Intra-op threads. */
  public static final Setting<Integer> INTRA_OP =
      Setting.integer(
          "ml.intra.op.threads", 0, 0, 256, "TensorFlow threads within an op; 0 is one per core");

  /** Inter-op threads. */
  public static final Setting<Integer> INTER_OP =
      Setting.integer("ml.inter.op.threads", 1, 1, 64, "TensorFlow threads across ops");

  /** Parallel batches. */
  public static final Setting<Integer> WORKERS =
      Setting.integer(
          "ml.workers",
          2,
          1,
          64,
          "batches a bulk extraction runs at once (overlaps decoding with the forward pass)");

  /** Decode budget. */
  public static final Setting<Integer> DECODE_BUDGET =
      Setting.integer(
          "ml.decode.budget.megapixels",
          0,
          0,
          100_000,
          "decoded pixels, in millions, that all image decodes of a process may hold at once (each pixel counted as "
              + DecodeBudget.BYTES_PER_PIXEL
              + " bytes of heap); 0 is a quarter of the maximum heap");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          BASE_MODEL,
          CACHE_DIR,
          FEATURE_LAYERS,
          MAX_MEGAPIXELS,
          BATCH_SIZE,
          INTRA_OP,
          INTER_OP,
          WORKERS,
          DECODE_BUDGET);

  /** Checks the values. */
  public FeatureConfig {
    Objects.requireNonNull(baseModel, "baseModel");
    Objects.requireNonNull(cacheDir, "cacheDir");
    featureLayers = List.copyOf(featureLayers);
    if (maxPixels < 1
        || batchSize < 1
        || intraOpThreads < 1
        || interOpThreads < 1
        || workers < 1
        || decodeBudget < 1) {
      throw new IllegalArgumentException(
          "maxPixels, batchSize, thread and worker counts and the decode budget must be positive");
    }
  }

  /** Reads the settings. */
  public static FeatureConfig from(ConfigSource s) {
    return new FeatureConfig(
        s.get(BASE_MODEL),
        s.get(CACHE_DIR),
        s.get(FEATURE_LAYERS),
        s.get(MAX_MEGAPIXELS) * 1_000_000L,
        s.get(BATCH_SIZE),
        s.get(INTRA_OP) == 0
            ? Math.max(1, Runtime.getRuntime().availableProcessors())
            : s.get(INTRA_OP),
        s.get(INTER_OP),
        s.get(WORKERS),
        s.get(DECODE_BUDGET) == 0
            ? DecodeBudget.defaultPixels()
            : s.get(DECODE_BUDGET) * 1_000_000L);
  }

  /** The defaults. */
  public static FeatureConfig defaults() {
    return from(ConfigSource.ofSettings(java.util.Map.of()));
  }

  /** A copy with another pixel limit. */
  public FeatureConfig withMaxPixels(long n) {
    return new FeatureConfig(
        baseModel,
        cacheDir,
        featureLayers,
        n,
        batchSize,
        intraOpThreads,
        interOpThreads,
        workers,
        decodeBudget);
  }

  /** A copy with another number of parallel batches. */
  public FeatureConfig withWorkers(int n) {
    return new FeatureConfig(
        baseModel,
        cacheDir,
        featureLayers,
        maxPixels,
        batchSize,
        intraOpThreads,
        interOpThreads,
        n,
        decodeBudget);
  }

  /** A copy with another batch size. */
  public FeatureConfig withBatchSize(int n) {
    return new FeatureConfig(
        baseModel,
        cacheDir,
        featureLayers,
        maxPixels,
        n,
        intraOpThreads,
        interOpThreads,
        workers,
        decodeBudget);
  }

  /** A copy with another decode budget, in pixels. */
  public FeatureConfig withDecodeBudget(long pixels) {
    return new FeatureConfig(
        baseModel,
        cacheDir,
        featureLayers,
        maxPixels,
        batchSize,
        intraOpThreads,
        interOpThreads,
        workers,
        pixels);
  }
}
