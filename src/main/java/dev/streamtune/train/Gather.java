package dev.streamtune.train;

import dev.streamtune.events.Failures;
import dev.streamtune.ml.CutExtractor;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Features;
import dev.streamtune.store.ActivationCache;
import dev.streamtune.store.FeatureCache;
import dev.streamtune.store.HalfFloat;
import dev.streamtune.store.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a network computes for each of a dataset's images, cache first: the cached values are read,
 * and only the missing images are downloaded and computed, in batches, each batch written back to
 * the cache as soon as it is done (so a crash mid-way keeps what was computed). {@link #features}
 * gathers the backbone's pooled features; {@link #activations} the frozen bottom's cut activations,
 * as binary16.
 *
 * <p>One bad image never fails the run: when a batch is refused as bad data ({@link Failures} says
 * DEAD_LETTER, such as an image that passed ingest's header checks but does not decode), the batch
 * is split in halves and each half computed again, down to the single image, which is handed to
 * {@link Refusals} and left out; the rest of the batch is computed and cached as usual. Any other
 * error (an outage, a bug) fails the run.
 *
 * @param <V> one image's cached value
 */
final class Gather<V> {
  private static final Logger LOG = LoggerFactory.getLogger(Gather.class);
  private static final int FEATURE_PACK = 4096;
  private static final int ACTIVATION_PACK = 512;
  private final ObjectStore store;
  private final Reader<V> read;
  private final Writer<V> write;
  private final Function<List<byte[]>, List<V>> compute;
  private final Supplier<Map<String, V>> newValues;

  /** Hands the cached values of the requested images to a sink, as it reads them. */
  interface Reader<V> {
    void read(String modelId, Collection<String> sha256s, BiConsumer<String, V> sink);
  }

  interface Writer<V> {
    void write(String modelId, Map<String, V> values);
  }

  /** Told of each image the computation refused as bad data; it has no value. */
  interface Refusals {
    void refused(Dataset.Example example, RuntimeException error);
  }

  /** Gathers into a {@link HashMap}. */
  Gather(
      ObjectStore store, Reader<V> read, Writer<V> write, Function<List<byte[]>, List<V>> compute) {
    this(store, read, write, compute, HashMap::new);
  }

  /**
   * @param newValues the map a gathering puts its values in: in memory, or one that spills them to
   *     disk ({@link SpilledActivations})
   */
  Gather(
      ObjectStore store,
      Reader<V> read,
      Writer<V> write,
      Function<List<byte[]>, List<V>> compute,
      Supplier<Map<String, V>> newValues) {
    this.store = store;
    this.read = read;
    this.write = write;
    this.compute = compute;
    this.newValues = newValues;
  }

  /**
   * The local mirror of the caches under a trainer's work directory, shared by runs and prefetch.
   */
  static Path mirror(Path workDir) {
    return workDir.resolve("cache");
  }

  /** The backbone's features, per candidate layer in the backbone's order. */
  static Gather<float[][]> features(ObjectStore store, FeatureExtractor extractor, Clock clock) {
    return features(store, extractor, clock, null, null);
  }

  /**
   * The backbone's features, the cache read through a local disk mirror in {@code local} (none when
   * null), into {@code into} (a new map per gathering when null).
   */
  static Gather<float[][]> features(
      ObjectStore store,
      FeatureExtractor extractor,
      Clock clock,
      java.nio.file.Path local,
      Map<String, float[][]> into) {
    var b = extractor.backbone();
    FeatureCache cache =
        new FeatureCache(
            store,
            b.digest(),
            b.featureLayers(),
            b.featureDims().values().stream().mapToInt(Integer::intValue).toArray(),
            FEATURE_PACK,
            clock);
    FeatureCache cached = local == null ? cache : cache.withLocal(local);
    return new Gather<>(
        store,
        cached::read,
        cached::write,
        images -> {
          List<float[][]> out = new ArrayList<>(images.size());
          for (Features f : extractor.extract(images)) {
            out.add(b.featureLayers().stream().map(f::layer).toArray(float[][]::new));
          }
          return out;
        },
        into == null ? HashMap::new : () -> into);
  }

  /**
   * The bottom's activations at its cut, as binary16, into {@code into}: the cache is read one pack
   * at a time and each computed batch is handed over as it is done, so with a map that spills to
   * disk the activations are never all in memory.
   */
  static Gather<short[]> activations(
      ObjectStore store,
      CutExtractor bottom,
      String backboneDigest,
      String cut,
      Clock clock,
      Map<String, short[]> into,
      java.nio.file.Path local) {
    ActivationCache cache =
        new ActivationCache(store, backboneDigest, cut, bottom.shape(), ACTIVATION_PACK, clock)
            .withLocal(local);
    return new Gather<>(
        store,
        cache::read,
        cache::write,
        images -> bottom.extract(images).stream().map(HalfFloat::fromFloats).toList(),
        () -> into);
  }

  /**
   * Gathered values.
   *
   * @param values per sha256 (the gathering's map)
   * @param hits images found in the cache
   * @param misses images that were computed (or skipped)
   * @param skipped sha256 of each image without a value: refused as bad data (and handed to the
   *     refusals), or gone from storage since the listing (relabelled or erased during the run, so
   *     the next run finds it under its new key)
   */
  record Result<V>(Map<String, V> values, long hits, long misses, Set<String> skipped) {}

  /**
   * How a gathering goes through its missing images.
   *
   * @param images the most images one round passes through the network
   * @param bytes image bytes the rounds in memory may hold: the round being computed and the one
   *     downloading ahead ({@link Downloads})
   * @param downloads GETs a round has in flight at once
   */
  record Rounds(int images, long bytes, int downloads) {
    Rounds {
      if (images < 1 || bytes < 1 || downloads < 1) {
        throw new IllegalArgumentException(
            "images, bytes and downloads must be positive: "
                + images
                + ", "
                + bytes
                + ", "
                + downloads);
      }
    }

    /** The same, with at most {@code most} images a round. */
    Rounds ofAtMost(int most) {
      return new Rounds(Math.min(images, most), bytes, downloads);
    }
  }

  /**
   * The values of every example: cached ones are read, the missing images downloaded and computed
   * in {@code rounds}, each round downloading while the one before it is computed.
   *
   * @param progress told how many images have been computed so far
   * @param refusals told of each image refused as bad data
   */
  Result<V> gather(
      String modelId,
      List<Dataset.Example> examples,
      Rounds rounds,
      IntConsumer progress,
      Refusals refusals) {
    Map<String, V> values = newValues.get();
    read.read(modelId, examples.stream().map(Dataset.Example::sha256).toList(), values::put);
    long hits = values.size();
    List<Dataset.Example> missing =
        examples.stream().filter(e -> !values.containsKey(e.sha256())).toList();
    Set<String> skipped = new TreeSet<>();
    try (Downloads downloads = new Downloads(store, missing, rounds)) {
      for (Downloads.Round round = downloads.next(); round != null; round = downloads.next()) {
        for (Dataset.Example e : round.gone()) {
          LOG.info(
              "Example {} was relabelled or erased since the listing; this run goes without it",
              e.key());
          skipped.add(e.sha256());
        }
        Map<String, V> batchValues = new HashMap<>();
        compute(
            round.examples(),
            round.images(),
            batchValues,
            (e, error) -> {
              skipped.add(e.sha256());
              refusals.refused(e, error);
            });
        if (!batchValues.isEmpty()) {
          write.write(modelId, batchValues);
        }
        batchValues.forEach(values::put);
        progress.accept(round.next());
      }
    }
    return new Result<>(values, hits, missing.size(), skipped);
  }

  /** Computes a batch into {@code out}, halving it around images refused as bad data. */
  private void compute(
      List<Dataset.Example> part, List<byte[]> images, Map<String, V> out, Refusals refusals) {
    if (part.isEmpty()) {
      return;
    }
    List<V> computed;
    try {
      computed = compute.apply(images);
    } catch (RuntimeException e) {
      if (Failures.classify(e) != Failures.Disposition.DEAD_LETTER) {
        throw e;
      }
      if (part.size() == 1) {
        refusals.refused(part.get(0), e);
        return;
      }
      int half = part.size() / 2;
      compute(part.subList(0, half), images.subList(0, half), out, refusals);
      compute(part.subList(half, part.size()), images.subList(half, images.size()), out, refusals);
      return;
    }
    for (int j = 0; j < part.size(); j++) {
      out.put(part.get(j).sha256(), computed.get(j));
    }
  }
}
