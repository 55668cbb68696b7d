package dev.streamtune.store;

import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Cached activations at the cut below a fine-tuned top, so an image goes through the frozen bottom
 * once: half-precision {@link ActivationPack}s under {@code
 * activations/{backboneDigest}/{layer}/{modelId}/}, read and written like the {@link
 * FeatureCache}'s packs (one LIST and a few GETs per retrain; writes only add packs).
 */
public final class ActivationCache {
  private final String backboneDigest;
  private final String layer;
  private final PackStore<short[]> packs;

  private ActivationCache(String backboneDigest, String layer, PackStore<short[]> packs) {
    this.backboneDigest = backboneDigest;
    this.layer = layer;
    this.packs = packs;
  }

  /**
   * The same cache, read through a local disk mirror of its packs in {@code dir} ({@link
   * LocalPacks}), so a run reads only the values it needs, from local disk.
   */
  public ActivationCache withLocal(java.nio.file.Path dir) {
    return new ActivationCache(backboneDigest, layer, packs.withLocal(dir));
  }

  /**
   * @param store where packs live
   * @param backboneDigest the backbone's digest
   * @param layer the cut layer
   * @param shape one image's activation shape, such as {@code [14, 14, 96]}
   * @param maxPerPack the most entries per pack (512 maps of 14×14×96 make a 19 MB pack)
   * @param clock for pack names, which sort by time
   */
  public ActivationCache(
      ObjectStore store,
      String backboneDigest,
      String layer,
      int[] shape,
      int maxPerPack,
      Clock clock) {
    this.backboneDigest = backboneDigest;
    this.layer = layer;
    int[] dims = shape.clone();
    this.packs =
        new PackStore<>(
            store,
            part -> new ActivationPack(layer, dims, part).encode(),
            bytes -> {
              ActivationPack p = ActivationPack.decode(bytes);
              return p.layer().equals(layer) && Arrays.equals(p.shape(), dims) ? p.entries() : null;
            },
            maxPerPack,
            clock);
  }

  /** The prefix of a model's packs. */
  public String prefix(String modelId) {
    return BucketLayout.activations(backboneDigest, layer, modelId);
  }

  /** The cached activations (binary16 bits) of the requested images that are in the cache. */
  public Map<String, short[]> read(String modelId, Collection<String> sha256s) {
    return packs.read(prefix(modelId), sha256s);
  }

  /**
   * Hands the cached activations of the requested images to {@code sink}, one pack at a time, so
   * that a model's whole cache is never held in memory.
   */
  public void read(String modelId, Collection<String> sha256s, BiConsumer<String, short[]> sink) {
    packs.read(prefix(modelId), sha256s, sink);
  }

  /** Adds activations (binary16 bits), in new packs. */
  public void write(String modelId, Map<String, short[]> activations) {
    packs.write(prefix(modelId), activations);
  }

  /**
   * Merges a model's packs when there are more than {@code threshold}; returns how many were merged
   * away.
   */
  public int compact(String modelId, int threshold) {
    return packs.compact(prefix(modelId), threshold);
  }
}
