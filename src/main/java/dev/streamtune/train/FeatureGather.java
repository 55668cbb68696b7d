package dev.streamtune.train;

import dev.streamtune.ml.Backbone;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Features;
import dev.streamtune.store.FeatureCache;
import dev.streamtune.store.ObjectStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The features of a dataset's images: read from the cache, and only the missing ones computed
 * with the backbone, in batches, each batch written back to the cache as soon as it is done (so a
 * crash mid-way keeps what was computed).
 */
final class FeatureGather {
  private static final int PACK = 4096;
  private final ObjectStore store;
  private final FeatureExtractor extractor;
  private final FeatureCache cache;

  FeatureGather(ObjectStore store, FeatureExtractor extractor, Clock clock) {
    Backbone b = extractor.backbone();
    this.store = store;
    this.extractor = extractor;
    this.cache = new FeatureCache(store, b.digest(), b.featureLayers(),
        b.featureDims().values().stream().mapToInt(Integer::intValue).toArray(), PACK, clock);
  }

  /**
   * Gathered vectors.
   *
   * @param vectors per sha256, its vector per candidate layer in the backbone's order
   * @param hits images found in the cache
   * @param misses images that went through the backbone
   */
  record Result(Map<String, float[][]> vectors, long hits, long misses) {}

  /**
   * Features of every example.
   *
   * @param progress told how many images have been computed so far
   */
  Result gather(Dataset data, int batch, IntConsumer progress) {
    Map<String, float[][]> vectors = new HashMap<>(cache.read(data.modelId(),
        data.examples().stream().map(Dataset.Example::sha256).toList()));
    long hits = vectors.size();
    List<Dataset.Example> missing = data.examples().stream().filter(e -> !vectors.containsKey(e.sha256())).toList();
    int done = 0;
    for (int i = 0; i < missing.size(); i += batch) {
      List<Dataset.Example> part = missing.subList(i, Math.min(missing.size(), i + batch));
      List<byte[]> images = new ArrayList<>(part.size());
      for (Dataset.Example e : part) {
        images.add(store.get(e.key()).orElseThrow(() -> new IllegalStateException(
            "Example " + e.key() + " was listed but is gone; it was relabelled or removed during the run")));
      }
      List<Features> features = extractor.extract(images);
      Map<String, float[][]> computed = new HashMap<>();
      for (int j = 0; j < part.size(); j++) {
        Features f = features.get(j);
        float[][] v = extractor.backbone().featureLayers().stream().map(f::layer).toArray(float[][]::new);
        computed.put(part.get(j).sha256(), v);
      }
      cache.write(data.modelId(), computed);
      vectors.putAll(computed);
      done += part.size();
      progress.accept(done);
    }
    return new Result(vectors, hits, missing.size());
  }
}
