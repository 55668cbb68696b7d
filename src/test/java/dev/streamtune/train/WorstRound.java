package dev.streamtune.train;

import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.store.ForwardingStore;
import dev.streamtune.store.InMemoryObjectStore;
import dev.streamtune.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The trainer's feature-gathering path ({@link Gather} over a {@link FeatureExtractor}, with the
 * trainer's default settings) run over the worst images in a directory, in a child JVM started by
 * {@link MemoryBoundIT}. Each image file is listed {@code copies} times; the store hands out a
 * fresh copy of the file's bytes per download, as a real store does, so what is held is what Gather
 * holds. Prints {@code gathered N} and exits 0, or prints the failure and exits 3.
 */
final class WorstRound {
  private WorstRound() {}

  /** Arguments: the image directory, and how many times each image is listed. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int copies = Integer.parseInt(args[1]);
    ObjectStore store = new Templates(new InMemoryObjectStore("memory"), dir);
    List<Dataset.Example> examples = new ArrayList<>();
    try (var files = Files.list(dir)) {
      List<Path> images = files.sorted().toList();
      for (int i = 0; i < copies; i++) {
        for (Path p : images) {
          String name = p.getFileName().toString();
          examples.add(
              new Dataset.Example(
                  String.format("%064x", examples.size()), "x", "img/" + i + "/" + name));
        }
      }
    }
    try (FeatureExtractor fx =
        FeatureExtractor.open(
            BaseModels.backbone(FeatureConfig.defaults()), FeatureConfig.defaults())) {
      TrainConfig train = TrainConfig.defaults();
      var result =
          Gather.features(store, fx, Clock.systemUTC())
              .gather(
                  "memory",
                  examples,
                  train.rounds(),
                  n -> {},
                  (e, error) -> {
                    throw new IllegalStateException(
                        "an admitted image was refused: " + e.key(), error);
                  });
      System.out.println("gathered " + result.values().size());
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.flush();
      System.exit(3);
    }
    System.exit(0);
  }

  /**
   * Serves {@code img/<copy>/<file>} as a fresh copy of the file; everything else from the real
   * store.
   */
  private static final class Templates extends ForwardingStore {
    private final Path dir;

    Templates(ObjectStore real, Path dir) {
      super(real);
      this.dir = dir;
    }

    @Override
    public Optional<byte[]> get(String key) {
      if (!key.startsWith("img/")) {
        return real.get(key);
      }
      try {
        return Optional.of(
            Files.readAllBytes(dir.resolve(key.substring(key.lastIndexOf('/') + 1))));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
