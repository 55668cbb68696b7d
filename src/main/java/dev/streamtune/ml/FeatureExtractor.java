package dev.streamtune.ml;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import dev.streamtune.image.DecodeBudget;
import dev.streamtune.image.ImageDecodeException;
import dev.streamtune.image.ImageDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.tensorflow.proto.framework.ConfigProto;

/**
 * Computes backbone features from encoded images, through DJL: one loaded model, one predictor per
 * calling thread, so it is safe and scales across threads.
 *
 * <pre>{@code
 * try (FeatureExtractor fx = FeatureExtractor.open(backbone, FeatureConfig.defaults())) {
 *   Features f = fx.extract(pngBytes);
 *   float[] v = f.layer("block_13_expand_relu");
 * }
 * }</pre>
 */
public final class FeatureExtractor implements AutoCloseable {
  private final Backbone backbone;
  private final FeatureConfig config;
  private final ZooModel<List<byte[]>, List<Features>> model;
  private final Set<Predictor<List<byte[]>, List<Features>>> predictors =
      ConcurrentHashMap.newKeySet();
  private final ThreadLocal<Predictor<List<byte[]>, List<Features>>> predictor;
  private final ExecutorService workers;

  private FeatureExtractor(
      Backbone backbone, FeatureConfig config, ZooModel<List<byte[]>, List<Features>> model) {
    this.backbone = backbone;
    this.config = config;
    this.model = model;
    this.predictor =
        ThreadLocal.withInitial(
            () -> {
              Predictor<List<byte[]>, List<Features>> p = model.newPredictor();
              predictors.add(p);
              return p;
            });
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            config.workers(),
            r -> {
              Thread t = new Thread(r, "feature-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Loads a backbone's feature model.
   *
   * @throws IllegalStateException when the model cannot be loaded
   */
  public static FeatureExtractor open(Backbone backbone, FeatureConfig config) {
    return open(
        backbone,
        config,
        new ImageDecoder(config.maxPixels(), DecodeBudget.shared(config.decodeBudget())));
  }

  /** Loads a backbone's feature model, decoding with {@code decoder}. */
  static FeatureExtractor open(Backbone backbone, FeatureConfig config, ImageDecoder decoder) {
    ConfigProto threads =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(config.intraOpThreads())
            .setInterOpParallelismThreads(config.interOpThreads())
            .build();
    Criteria<List<byte[]>, List<Features>> criteria =
        Criteria.builder()
            .setTypes(
                Engine.<List<byte[]>>type(List.class), Engine.<List<Features>>type(List.class))
            .optModelPath(backbone.featuresModel())
            .optEngine(Engine.NAME)
            .optOption("ConfigProto", Base64.getEncoder().encodeToString(threads.toByteArray()))
            .optTranslator(new FeatureTranslator(decoder, backbone))
            .build();
    try {
      return new FeatureExtractor(backbone, config, criteria.loadModel());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot load " + backbone.featuresModel(), e);
    } catch (ModelNotFoundException | MalformedModelException e) {
      throw new IllegalStateException(
          "Cannot load the backbone " + backbone.featuresModel() + ": " + e.getMessage(), e);
    }
  }

  /** The backbone this extractor runs. */
  public Backbone backbone() {
    return backbone;
  }

  /** The settings it was opened with. */
  public FeatureConfig config() {
    return config;
  }

  /**
   * Features of one image.
   *
   * @throws ImageDecodeException when the image cannot be decoded
   */
  public Features extract(byte[] image) {
    return run(List.of(image)).get(0);
  }

  /**
   * Features of many images, in order: batches of the configured size, several at once (decoding
   * one while another runs through the network).
   *
   * @throws ImageDecodeException for the first image that cannot be decoded
   */
  public List<Features> extract(List<byte[]> images) {
    if (images.size() <= config.batchSize()) {
      return run(images);
    }
    List<Future<List<Features>>> batches = new ArrayList<>();
    for (int i = 0; i < images.size(); i += config.batchSize()) {
      List<byte[]> batch = images.subList(i, Math.min(images.size(), i + config.batchSize()));
      batches.add(workers.submit(() -> run(batch)));
    }
    List<Features> out = new ArrayList<>(images.size());
    try {
      for (Future<List<Features>> f : batches) {
        out.addAll(f.get());
      }
    } catch (InterruptedException e) {
      batches.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while extracting features", e);
    } catch (ExecutionException e) {
      batches.forEach(f -> f.cancel(true));
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    }
    return out;
  }

  private List<Features> run(List<byte[]> batch) {
    return Engine.predict(predictor.get(), batch, "Feature extraction");
  }

  /** Closes every predictor and the model. */
  @Override
  public void close() {
    workers.shutdownNow();
    try {
      workers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    predictors.forEach(Predictor::close);
    predictors.clear();
    Engine.close(model);
  }
}
