package dev.streamtune.store;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Removes images from every cache of a model, for the right to erasure: the backbone features
 * ({@link FeatureCache}, {@code features/{backboneDigest}/{modelId}/}) and the cut activations
 * ({@link ActivationCache}, {@code activations/{backboneDigest}/{layer}/{modelId}/}) of every
 * backbone and layer, whichever wrote them.
 *
 * <p>Values live in packs of many images, so a pack that holds an erased image is rewritten without
 * it: the filtered pack is written under a new key, then the old one is deleted (a pack left with
 * no entry is just deleted). A crash in between leaves the old pack, so erasing again finishes the
 * job; erasing is idempotent. Packs are decoded by their own header, so no backbone needs to be
 * loaded. The images' {@link Quarantine} records, if any, are removed too.
 */
public final class CacheErasure {
  private static final String FEATURES = BucketLayout.FEATURES;
  private static final String ACTIVATIONS = BucketLayout.ACTIVATIONS;

  private CacheErasure() {}

  /**
   * What an erasure removed.
   *
   * @param entries cached values removed (an image cached by two backbones counts twice)
   * @param packsRewritten packs rewritten without the images or deleted
   */
  public record Result(int entries, int packsRewritten) {}

  /** Removes the images' cached values from the model's packs, and their quarantine records. */
  public static Result erase(ObjectStore store, String modelId, Set<String> sha256s, Clock clock) {
    int entries = 0;
    int packs = 0;
    for (String root : new String[] {FEATURES, ACTIVATIONS}) {
      int modelSegment = root.equals(FEATURES) ? 2 : 3;
      for (String key : store.list(root)) {
        String[] p = key.split("/");
        if (p.length == modelSegment + 2
            && p[modelSegment].equals(modelId)
            && key.endsWith(".pack")) {
          int n = filter(store, key, sha256s, clock, root.equals(ACTIVATIONS));
          entries += n;
          packs += n > 0 ? 1 : 0;
        }
      }
    }
    Quarantine.erase(store, modelId, sha256s);
    return new Result(entries, packs);
  }

  private static int filter(
      ObjectStore store, String key, Set<String> sha256s, Clock clock, boolean activations) {
    byte[] bytes = store.get(key).orElse(null);
    if (bytes == null) {
      return 0;
    }
    String prefix = key.substring(0, key.lastIndexOf('/') + 1);
    if (activations) {
      ActivationPack pack = ActivationPack.decode(bytes);
      return rewrite(
          store,
          key,
          prefix,
          pack.entries(),
          sha256s,
          clock,
          kept -> new ActivationPack(pack.layer(), pack.shape(), kept).encode());
    }
    FeaturePack pack = FeaturePack.decode(bytes);
    return rewrite(
        store,
        key,
        prefix,
        pack.entries(),
        sha256s,
        clock,
        kept -> new FeaturePack(pack.layers(), pack.dims(), kept).encode());
  }

  /** Replaces a pack by one without the erased entries (none at all when nothing is left). */
  private static <V> int rewrite(
      ObjectStore store,
      String key,
      String prefix,
      Map<String, V> entries,
      Set<String> erased,
      Clock clock,
      java.util.function.Function<Map<String, V>, byte[]> encode) {
    Map<String, V> kept = new LinkedHashMap<>();
    entries.forEach(
        (sha, v) -> {
          if (!erased.contains(sha)) {
            kept.put(sha, v);
          }
        });
    if (kept.size() == entries.size()) {
      return 0;
    }
    if (!kept.isEmpty()) {
      PackStore.put(store, prefix, encode.apply(kept), kept.size(), clock);
    }
    store.delete(key);
    return entries.size() - kept.size();
  }
}
