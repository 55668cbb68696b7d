package dev.streamtune.train;

import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.TopOptions;
import dev.streamtune.store.ActivationPack;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ForwardingStore;
import dev.streamtune.store.HalfFloat;
import dev.streamtune.store.InMemoryObjectStore;
import dev.streamtune.store.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trainer's {@code top} path ({@link TopRun}: gather the cached cut activations, train, score)
 * over a model whose cached activations are larger than the heap, in a child JVM started by {@link
 * SpilledTopIT}. The store serves every image as one small PNG and the model's activation cache as
 * packs generated on request, so what the heap holds is what the trainer holds. Prints {@code
 * trained N examples} and exits 0, or prints the failure and exits 3.
 */
final class SpillRound {
  static final String MODEL = "spill";
  private static final int PACK = 512;

  private SpillRound() {}

  /** Arguments: examples, work directory, and a PNG file served for every image. */
  public static void main(String[] args) {
    try {
      int n = Integer.parseInt(args[0]);
      Path work = Path.of(args[1]);
      byte[] png = java.nio.file.Files.readAllBytes(Path.of(args[2]));
      FeatureConfig fc = FeatureConfig.defaults();
      TrainConfig defaults = TrainConfig.defaults();
      TrainConfig config =
          defaults.withTop(
              defaults
                  .top()
                  .withMode(TrainConfig.Mode.TOP)
                  .withOptions(new TopOptions(3e-4f, 1e-3f, 4e-5f, 32, 1, 1, 256, 42, 2, 4)));
      List<Dataset.Example> examples = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String sha = sha(i);
        String label = i % 2 == 0 ? "even" : "odd";
        examples.add(new Dataset.Example(sha, label, BucketLayout.key(MODEL, label, sha, "png")));
      }
      try (FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc)) {
        String cut = config.top().cut();
        String prefix = BucketLayout.activations(fx.backbone().digest(), cut, MODEL);
        ObjectStore store = new Generated(new InMemoryObjectStore("spill"), png, prefix, cut, n);
        Candidate c =
            new TopRun(config, store, fx, fc.baseModel(), work, Clock.systemUTC())
                .fit(
                    Dataset.of(MODEL, examples, config.validationPercent()),
                    null,
                    (phase, step, of, tl, vl) -> {},
                    (e, error) -> {
                      throw new IllegalStateException("refused " + e.key(), error);
                    });
        if (c.cacheMisses() != 0) {
          throw new IllegalStateException(c.cacheMisses() + " activations were not cached");
        }
        System.out.println(
            "trained "
                + c.data().examples().size()
                + " examples, "
                + c.split().valY().length
                + " validated; heap max "
                + Runtime.getRuntime().maxMemory() / (1 << 20)
                + " MiB, activations "
                + (long) n * ActivationPack.size(CUT_SHAPE) * 2 / (1 << 20)
                + " MiB");
      }
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.flush();
      System.exit(3);
    }
    System.exit(0);
  }

  /** Example {@code i}'s sha256: spread, since the split goes by its first eight digits. */
  static String sha(int i) {
    return String.format("%08x%056x", i * 0x9E3779B1, i);
  }

  /** {@code block_10_project_BN}'s map, the default cut. */
  static final int[] CUT_SHAPE = {14, 14, 96};

  /** Serves every image as {@code png}, and the model's activation cache as generated packs. */
  private static final class Generated extends ForwardingStore {
    private final byte[] png;
    private final String prefix;
    private final String cut;
    private final int examples;

    Generated(ObjectStore real, byte[] png, String prefix, String cut, int examples) {
      super(real);
      this.png = png;
      this.prefix = prefix;
      this.cut = cut;
      this.examples = examples;
    }

    @Override
    public List<String> list(String p) {
      if (!p.equals(prefix)) {
        return real.list(p);
      }
      List<String> keys = new ArrayList<>();
      for (int start = 0; start < examples; start += PACK) {
        keys.add(prefix + String.format("%08d.pack", start));
      }
      return keys;
    }

    @Override
    public Optional<byte[]> get(String key) {
      if (key.startsWith(BucketLayout.prefix(MODEL))) {
        return Optional.of(png.clone());
      }
      if (!key.startsWith(prefix)) {
        return real.get(key);
      }
      int start = Integer.parseInt(key.substring(prefix.length(), key.length() - ".pack".length()));
      Map<String, short[]> entries = new LinkedHashMap<>();
      float[] map = new float[ActivationPack.size(CUT_SHAPE)];
      for (int i = start; i < Math.min(examples, start + PACK); i++) {
        for (int j = 0; j < map.length; j++) {
          map[j] = ((i * 31 + j * 7) % 13) / 4f + (j % 96 == i % 2 ? 2f : 0f);
        }
        entries.put(sha(i), HalfFloat.fromFloats(map));
      }
      return Optional.of(new ActivationPack(cut, CUT_SHAPE, entries).encode());
    }
  }
}
