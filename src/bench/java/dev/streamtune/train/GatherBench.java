package dev.streamtune.train;

import dev.streamtune.demo.FashionMnist;
import dev.streamtune.devstack.EmbeddedS3;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.store.ForwardingStore;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.ObjectStore;
import dev.streamtune.store.S3Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The trainer's feature gathering ({@link Gather#features}, the default {@link FeatureConfig}) over
 * Fashion-MNIST PNGs in the embedded S3, with one GET at a time against {@code
 * train.extract.downloads} at once, on the local store and on the same store behind a fixed latency
 * per GET (what a remote S3 adds; the latency is a pause before each GET is made, so it costs no
 * CPU). Each gathering uses a fresh model id, so nothing is cached. Variants alternate, {@code
 * reps} times; one JSON line per gathering.
 *
 * <p>Arguments: images, repetitions, added latency in milliseconds.
 */
final class GatherBench {
  private GatherBench() {}

  /** Runs it. */
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int reps = Integer.parseInt(args[1]);
    int latencyMs = Integer.parseInt(args[2]);
    Path dir = Files.createTempDirectory("gather-bench");
    try (EmbeddedS3 s3 = EmbeddedS3.start(dir, 0, "bench", "bench-secret")) {
      io.minio.MinioClient admin =
          io.minio.MinioClient.builder()
              .endpoint(s3.endpoint().toString())
              .credentials("bench", "bench-secret")
              .build();
      admin.makeBucket(io.minio.MakeBucketArgs.builder().bucket("gather-bench").build());
      MinioObjectStore local =
          new MinioObjectStore(
              new S3Config(s3.endpoint(), "us-east-1", "gather-bench", "bench", "bench-secret"));
      List<Dataset.Example> examples = new ArrayList<>();
      for (FashionMnist.Item item : FashionMnist.read("train", n)) {
        String sha = Digests.sha256(item.png());
        String key = "examples/m/" + item.label() + "/" + sha + ".png";
        local.put(key, item.png(), "image/png", Map.of());
        examples.add(new Dataset.Example(sha, item.label(), key));
      }
      ObjectStore remote = new Delayed(local, latencyMs);
      TrainConfig t = TrainConfig.defaults();
      FeatureConfig fc = FeatureConfig.defaults();
      try (FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc)) {
        fx.extract(examples.subList(0, 16).stream().map(e -> local.get(e.key()).get()).toList());
        int run = 0;
        for (int r = 0; r < reps; r++) {
          for (int latency : new int[] {0, latencyMs}) {
            for (int downloads : new int[] {1, t.extractDownloads()}) {
              long start = System.nanoTime();
              Gather.features(latency == 0 ? local : remote, fx, Clock.systemUTC())
                  .gather(
                      "m" + run++,
                      examples,
                      new Gather.Rounds(t.extractBatch(), t.extractBytes(), downloads),
                      x -> {},
                      (e, error) -> {});
              double s = (System.nanoTime() - start) / 1e9;
              System.out.printf(
                  Locale.ROOT,
                  "{\"latencyMs\":%d,\"downloads\":%d,\"images\":%d,\"seconds\":%.2f,"
                      + "\"imagesPerSecond\":%.1f}%n",
                  latency,
                  downloads,
                  n,
                  s,
                  n / s);
            }
          }
        }
      }
    }
  }

  /** Pauses before each GET. */
  private static final class Delayed extends ForwardingStore {
    private final long nanos;

    Delayed(ObjectStore real, int millis) {
      super(real);
      this.nanos = millis * 1_000_000L;
    }

    @Override
    public Optional<byte[]> get(String key) {
      LockSupport.parkNanos(nanos);
      return super.get(key);
    }
  }
}
