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
 * <p>Values live in packs of many images, so a pack that holds an erased image is rewritten
 * without it: the filtered pack is written under a new key, then the old one is deleted (a pack
 * left with no entry is just deleted). A crash in between leaves the old pack, so erasing again
 * finishes the job; erasing is idempotent. Packs are decoded by their own header, so no backbone
 * needs to be loaded.
 */
public final class CacheErasure {
  private static final String FEATURES = "features/";
  private static final String ACTIVATIONS = "activations/";

  private CacheErasure() {}

  /**
   * What an erasure removed.
   *
   * @param entries cached values removed (an image cached by two backbones counts twice)
   * @param packsRewritten packs rewritten without the images or deleted
   */
  public record Result(int entries, int packsRewritten) {}

  /** Removes the images' cached values from the model's packs. */
  public static Result erase(ObjectStore store, String modelId, Set<String> sha256s, Clock clock) {
    int entries = 0;
    int packs = 0;
    for (String root : new String[] {FEATURES, ACTIVATIONS}) {
      int modelSegment = root.equals(FEATURES) ? 2 : 3;
      for (String key : store.list(root)) {
        String[] p = key.split("/");
        if (p.length == modelSegment + 2 && p[modelSegment].equals(modelId) && key.endsWith(".pack")) {
          int n = filter(store, key, sha256s, clock, root.equals(ACTIVATIONS));
          entries += n;
          packs += n > 0 ? 1 : 0;
        }
      }
    }
    return new Result(entries, packs);
  }

  private static int filter(ObjectStore store, String key, Set<String> sha256s, Clock clock, boolean activations) {
    byte[] bytes = store.get(key).orElse(null);
    if (bytes == null) {
      return 0;
    }
    byte[] rewritten;
    int before;
    int after;
    if (activations) {
      ActivationPack pack = ActivationPack.decode(bytes);
      Map<String, short[]> kept = kept(pack.entries(), sha256s);
      before = pack.entries().size();
      after = kept.size();
      rewritten = new ActivationPack(pack.layer(), pack.shape(), kept).encode();
    } else {
      FeaturePack pack = FeaturePack.decode(bytes);
      Map<String, float[][]> kept = kept(pack.entries(), sha256s);
      before = pack.entries().size();
      after = kept.size();
      rewritten = new FeaturePack(pack.layers(), pack.dims(), kept).encode();
    }
    if (after == before) {
      return 0;
    }
    if (after > 0) {
      store.put(PackStore.newKey(key.substring(0, key.lastIndexOf('/') + 1), clock), rewritten,
          "application/octet-stream", Map.of("entries", String.valueOf(after)));
    }
    store.delete(key);
    return before - after;
  }

  private static <V> Map<String, V> kept(Map<String, V> entries, Set<String> erased) {
    Map<String, V> kept = new LinkedHashMap<>();
    entries.forEach((sha, v) -> {
      if (!erased.contains(sha)) {
        kept.put(sha, v);
      }
    });
    return kept;
  }
}
