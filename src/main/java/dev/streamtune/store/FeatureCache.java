package dev.streamtune.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Cached backbone features in object storage, so an image goes through the backbone once.
 *
 * <p>Packs live under {@code features/{backboneDigest}/{modelId}/}: the backbone digest keeps the
 * features of different backbones (or candidate layers) apart. Reading lists the prefix and gets
 * every pack, so 10,000 features cost one LIST and a few GETs. Writes add new packs (never
 * rewrite), so a crashed writer leaves at worst an extra pack; duplicates across packs are
 * harmless. {@link #compact} merges many small packs into few.
 */
public final class FeatureCache {
  private final ObjectStore store;
  private final String backboneDigest;
  private final List<String> layers;
  private final int[] dims;
  private final int maxPerPack;
  private final Clock clock;

  /**
   * @param store where packs live
   * @param backboneDigest the backbone's digest
   * @param layers the candidate layers, in order
   * @param dims their vector lengths
   * @param maxPerPack the most entries per pack
   * @param clock for pack names, which sort by time
   */
  public FeatureCache(ObjectStore store, String backboneDigest, List<String> layers, int[] dims, int maxPerPack,
      Clock clock) {
    if (maxPerPack < 1) {
      throw new IllegalArgumentException("maxPerPack must be positive");
    }
    this.store = store;
    this.backboneDigest = backboneDigest;
    this.layers = List.copyOf(layers);
    this.dims = dims.clone();
    this.maxPerPack = maxPerPack;
    this.clock = clock;
  }

  /** The prefix of a model's packs. */
  public String prefix(String modelId) {
    return "features/" + backboneDigest + "/" + modelId + "/";
  }

  /**
   * The cached vectors of the requested images that are in the cache.
   *
   * @return per image sha256, its layer vectors in layer order
   */
  public Map<String, float[][]> read(String modelId, Collection<String> sha256s) {
    Set<String> wanted = new HashSet<>(sha256s);
    Map<String, float[][]> found = new HashMap<>();
    for (FeaturePack pack : packs(modelId).values()) {
      pack.entries().forEach((sha, v) -> {
        if (wanted.contains(sha)) {
          found.put(sha, v);
        }
      });
    }
    return found;
  }

  /** Adds vectors, in new packs of at most {@code maxPerPack} entries. */
  public void write(String modelId, Map<String, float[][]> vectors) {
    List<Map.Entry<String, float[][]>> all = new ArrayList<>(vectors.entrySet());
    for (int i = 0; i < all.size(); i += maxPerPack) {
      Map<String, float[][]> part = new LinkedHashMap<>();
      all.subList(i, Math.min(all.size(), i + maxPerPack)).forEach(e -> part.put(e.getKey(), e.getValue()));
      store.put(newPackKey(modelId), new FeaturePack(layers, dims, part).encode(), "application/octet-stream",
          Map.of("entries", String.valueOf(part.size())));
    }
  }

  /**
   * Rewrites a model's packs into as few full packs as possible when there are more than
   * {@code threshold} of them; new packs are written before old ones are deleted.
   *
   * @return how many packs were merged away
   */
  public int compact(String modelId, int threshold) {
    Map<String, FeaturePack> packs = packs(modelId);
    if (packs.size() <= threshold) {
      return 0;
    }
    Map<String, float[][]> merged = new LinkedHashMap<>();
    packs.values().forEach(p -> merged.putAll(p.entries()));
    write(modelId, merged);
    packs.keySet().forEach(store::delete);
    return packs.size();
  }

  private Map<String, FeaturePack> packs(String modelId) {
    Map<String, FeaturePack> out = new LinkedHashMap<>();
    for (String key : store.list(prefix(modelId))) {
      if (!key.endsWith(".pack")) {
        continue;
      }
      store.get(key).map(FeaturePack::decode).filter(p -> p.layers().equals(layers)).ifPresent(p -> out.put(key, p));
    }
    return out;
  }

  private String newPackKey(String modelId) {
    return prefix(modelId) + String.format("%013d", clock.millis()) + "-" + UUID.randomUUID().toString().substring(0, 8)
        + ".pack";
  }
}
