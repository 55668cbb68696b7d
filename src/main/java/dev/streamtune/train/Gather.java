package dev.streamtune.train;

import dev.streamtune.ml.CutExtractor;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Features;
import dev.streamtune.store.ActivationCache;
import dev.streamtune.store.FeatureCache;
import dev.streamtune.store.HalfFloat;
import dev.streamtune.store.ObjectStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * What a network computes for each of a dataset's images, cache first: the cached values are read,
 * and only the missing images are downloaded and computed, in batches, each batch written back to
 * the cache as soon as it is done (so a crash mid-way keeps what was computed). {@link #features}
 * gathers the backbone's pooled features; {@link #activations} the frozen bottom's cut activations,
 * as binary16.
 *
 * @param <V> one image's cached value
 */
final class Gather<V> {
  private static final int FEATURE_PACK = 4096;
  private static final int ACTIVATION_PACK = 512;
  private final ObjectStore store;
  private final Reader<V> read;
  private final Writer<V> write;
  private final Function<List<byte[]>, List<V>> compute;

  interface Reader<V> {
    Map<String, V> read(String modelId, Collection<String> sha256s);
  }

  interface Writer<V> {
    void write(String modelId, Map<String, V> values);
  }

  Gather(ObjectStore store, Reader<V> read, Writer<V> write, Function<List<byte[]>, List<V>> compute) {
    this.store = store;
    this.read = read;
    this.write = write;
    this.compute = compute;
  }

  /** The backbone's features, per candidate layer in the backbone's order. */
  static Gather<float[][]> features(ObjectStore store, FeatureExtractor extractor, Clock clock) {
    var b = extractor.backbone();
    FeatureCache cache = new FeatureCache(store, b.digest(), b.featureLayers(),
        b.featureDims().values().stream().mapToInt(Integer::intValue).toArray(), FEATURE_PACK, clock);
    return new Gather<>(store, cache::read, cache::write, images -> {
      List<float[][]> out = new ArrayList<>(images.size());
      for (Features f : extractor.extract(images)) {
        out.add(b.featureLayers().stream().map(f::layer).toArray(float[][]::new));
      }
      return out;
    });
  }

  /** The bottom's activations at its cut, as binary16. */
  static Gather<short[]> activations(ObjectStore store, CutExtractor bottom, String backboneDigest, String cut,
      Clock clock) {
    ActivationCache cache = new ActivationCache(store, backboneDigest, cut, bottom.shape(), ACTIVATION_PACK, clock);
    return new Gather<>(store, cache::read, cache::write,
        images -> bottom.extract(images).stream().map(HalfFloat::fromFloats).toList());
  }

  /**
   * Gathered values.
   *
   * @param values per sha256
   * @param hits images found in the cache
   * @param misses images that were computed
   */
  record Result<V>(Map<String, V> values, long hits, long misses) {}

  /**
   * The values of every example. A round downloads the missing images until it has {@code batch}
   * of them or holds {@code maxBytes} of them, so it holds at most {@code maxBytes} plus one image.
   *
   * @param progress told how many images have been computed so far
   */
  Result<V> gather(String modelId, List<Dataset.Example> examples, int batch, long maxBytes, IntConsumer progress) {
    Map<String, V> values = new HashMap<>(read.read(modelId, examples.stream().map(Dataset.Example::sha256).toList()));
    long hits = values.size();
    List<Dataset.Example> missing = examples.stream().filter(e -> !values.containsKey(e.sha256())).toList();
    int done = 0;
    for (int i = 0; i < missing.size(); ) {
      int start = i;
      long held = 0;
      List<byte[]> images = new ArrayList<>();
      while (i < missing.size() && images.size() < batch && held < maxBytes) {
        Dataset.Example e = missing.get(i++);
        byte[] image = store.get(e.key()).orElseThrow(() -> new IllegalStateException(
            "Example " + e.key() + " was listed but is gone; it was relabelled or removed during the run"));
        images.add(image);
        held += image.length;
      }
      List<Dataset.Example> part = missing.subList(start, i);
      List<V> computed = compute.apply(images);
      Map<String, V> batchValues = new HashMap<>();
      for (int j = 0; j < part.size(); j++) {
        batchValues.put(part.get(j).sha256(), computed.get(j));
      }
      write.write(modelId, batchValues);
      values.putAll(batchValues);
      done += part.size();
      progress.accept(done);
    }
    return new Result<>(values, hits, missing.size());
  }
}
