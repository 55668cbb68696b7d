package dev.streamtune.store;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Cached backbone features in object storage, so an image goes through the backbone once.
 *
 * <p>Packs live under {@code features/{backboneDigest}/{modelId}/}: the backbone digest keeps the
 * features of different backbones (or candidate layers) apart. Reading lists the prefix and gets
 * every pack, so 10,000 features cost one LIST and a few GETs. Writes add new packs (never
 * rewrite), so a crashed writer leaves at worst an extra pack; duplicates across packs are
 * harmless. {@link #compact} merges many small packs into few; {@link CacheErasure} rewrites the
 * packs that hold an erased image without it.
 */
public final class FeatureCache {
  private final String backboneDigest;
  private final PackStore<float[][]> packs;

  private FeatureCache(String backboneDigest, PackStore<float[][]> packs) {
    this.backboneDigest = backboneDigest;
    this.packs = packs;
  }

  /**
   * The same cache, read through a local disk mirror of its packs in {@code dir} ({@link
   * LocalPacks}), so a run reads only the values it needs, from local disk.
   */
  public FeatureCache withLocal(java.nio.file.Path dir) {
    return new FeatureCache(backboneDigest, packs.withLocal(dir));
  }

  /** Hands the cached vectors of the requested images to {@code sink}. */
  public void read(
      String modelId,
      java.util.Collection<String> sha256s,
      java.util.function.BiConsumer<String, float[][]> sink) {
    packs.read(prefix(modelId), sha256s, sink);
  }

  /**
   * @param store where packs live
   * @param backboneDigest the backbone's digest
   * @param layers the candidate layers, in order
   * @param dims their vector lengths
   * @param maxPerPack the most entries per pack
   * @param clock for pack names, which sort by time
   */
  public FeatureCache(
      ObjectStore store,
      String backboneDigest,
      List<String> layers,
      int[] dims,
      int maxPerPack,
      Clock clock) {
    this.backboneDigest = backboneDigest;
    List<String> names = List.copyOf(layers);
    int[] sizes = dims.clone();
    this.packs =
        new PackStore<>(
            store,
            part -> new FeaturePack(names, sizes, part).encode(),
            bytes -> {
              FeaturePack p = FeaturePack.decode(bytes);
              return p.layers().equals(names) ? p.entries() : null;
            },
            maxPerPack,
            clock);
  }

  /** The prefix of a model's packs. */
  public String prefix(String modelId) {
    return BucketLayout.features(backboneDigest, modelId);
  }

  /**
   * The cached vectors of the requested images that are in the cache.
   *
   * @return per image sha256, its layer vectors in layer order
   */
  public Map<String, float[][]> read(String modelId, Collection<String> sha256s) {
    return packs.read(prefix(modelId), sha256s);
  }

  /** Adds vectors, in new packs of at most {@code maxPerPack} entries. */
  public void write(String modelId, Map<String, float[][]> vectors) {
    packs.write(prefix(modelId), vectors);
  }

  /**
   * Rewrites a model's packs into as few full packs as possible when there are more than {@code
   * threshold} of them; new packs are written before old ones are deleted.
   *
   * @return how many packs were merged away
   */
  public int compact(String modelId, int threshold) {
    return packs.compact(prefix(modelId), threshold);
  }
}
