package dev.streamtune.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the base model and turns it into a {@link Backbone}.
 *
 * <p>The default is MobileNetV2 α1.0 224 from the MIT-licensed npm package {@code nsfwjs@4.4.0}.
 * When it is missing it is fetched with {@code npm pack} and its two JS bundles are decoded into a
 * TF.js layers model by the Node script {@code tools/base-model/fetch.mjs}, which ships in the jar;
 * that needs Node.js and the npm registry once. The weight shard's sha256 is checked every time.
 */
public final class BaseModels {
  /** sha256 of the default model's decoded weight shard. */
  public static final String DEFAULT_SHARD_SHA256 =
      "8e7dddbb16acacc1bf1601b1b8a761e730ff934b7f2d7771312b2f000e5f5f13";

  /** The default model's own classes, in output order. */
  public static final List<String> DEFAULT_CLASSES =
      List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");

  /** Name of the default model's shard. */
  static final String DEFAULT_SHARD = "group1-shard1of1.bin";

  private static final Logger LOG = LoggerFactory.getLogger(BaseModels.class);

  private BaseModels() {}

  /**
   * The converted backbone of the configured base model, fetching the default one if needed and
   * converting it once (the conversion is cached).
   *
   * @throws IllegalStateException when the default model cannot be fetched or fails its checksum
   */
  public static Backbone backbone(FeatureConfig config) {
    Path dir = config.baseModel();
    boolean isDefault = dir.equals(FeatureConfig.BASE_MODEL.defaultValue());
    if (isDefault) {
      ensureDefault(dir);
    } else if (SavedModelBackbones.isSavedModel(dir)) {
      return SavedModelBackbones.convert(
          dir, config.cacheDir(), dir.getFileName().toString(), config.featureLayers());
    } else if (!Files.exists(dir.resolve("model.json"))) {
      throw new IllegalStateException(
          "No model at "
              + dir
              + ": ml.base.model must be a TF.js layers model "
              + "(model.json and its weight shards) or a TensorFlow SavedModel (saved_model.pb)");
    }
    String name = isDefault ? "mobilenet_v2 1.0 224 (nsfwjs@4.4.0)" : dir.getFileName().toString();
    return BackboneConverter.convert(
        dir,
        config.cacheDir(),
        name,
        config.featureLayers(),
        isDefault ? DEFAULT_CLASSES : List.of());
  }

  /**
   * The base model's TF.js layers directory, when it is one (a SavedModel base has none): what
   * {@link TfjsExporter} builds a classifier's TF.js model from. The default model is fetched first
   * when it is not there yet, as {@link #backbone} does, so the answer does not depend on which was
   * called first.
   */
  public static java.util.Optional<Path> tfjsSource(FeatureConfig config) {
    Path dir = config.baseModel();
    if (dir.equals(FeatureConfig.BASE_MODEL.defaultValue())
        && !Files.exists(dir.resolve("model.json"))) {
      ensureDefault(dir);
    }
    return Files.exists(dir.resolve("model.json"))
        ? java.util.Optional.of(dir)
        : java.util.Optional.empty();
  }

  /**
   * Makes sure the default model is in {@code dir} with the right checksum, fetching it if missing.
   */
  public static void ensureDefault(Path dir) {
    Path shard = dir.resolve(DEFAULT_SHARD);
    if (!Files.exists(shard) || !Files.exists(dir.resolve("model.json"))) {
      fetch(dir);
    }
    String actual = sha256(shard);
    if (!actual.equals(DEFAULT_SHARD_SHA256)) {
      throw new IllegalStateException(
          "The base model weights "
              + shard
              + " have sha256 "
              + actual
              + ", but "
              + "nsfwjs@4.4.0's are "
              + DEFAULT_SHARD_SHA256
              + ". The files are damaged or not that model: delete "
              + dir
              + " and run again to fetch them anew.");
    }
  }

  private static void fetch(Path dir) {
    LOG.info("Fetching the base model nsfwjs@4.4.0 (npm pack) into {}", dir);
    Path script = null;
    try {
      script = Files.createTempFile("streamtune-fetch-base-model", ".mjs");
      try (InputStream in = BaseModels.class.getResourceAsStream("/tools/base-model/fetch.mjs")) {
        if (in == null) {
          throw new IllegalStateException("fetch.mjs is missing from the jar");
        }
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.createDirectories(dir);
      Process p =
          new ProcessBuilder("node", script.toString(), dir.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(
            "Fetching the base model failed: "
                + out.strip()
                + "\nOn a machine with Node.js and npm, run: node tools/base-model/fetch.mjs "
                + dir);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot fetch the base model into "
              + dir
              + " (it needs Node.js and npm on "
              + "the PATH once): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while fetching the base model", e);
    } finally {
      if (script != null) {
        try {
          Files.deleteIfExists(script);
        } catch (IOException e) {
          LOG.debug("Cannot delete {}", script, e);
        }
      }
    }
  }

  static String sha256(Path file) {
    var sha = KerasLayersModel.sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
