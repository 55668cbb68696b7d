package dev.streamtune.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.devstack.DevStack;
import dev.streamtune.devstack.DevStackConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ml.ExportedClassifier;
import dev.streamtune.store.MinioObjectStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;

/**
 * The serve benchmark behind {@code bench/serve/run.sh}: classify requests per second and p50/p99
 * latency through {@code POST /v1/models/{id}:classify}, at concurrency 1 and 8, against the same
 * model called directly through its DJL predictor in the same JVM (the ratio is HTTP's overhead).
 * One JVM runs the dev stack, the subscriber, the server and the clients, on the same cores. {@code
 * ServeBench [SECONDS]}, default 20 per measurement.
 */
public final class ServeBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServeBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Path dir = Path.of("target", "bench-serve").toAbsolutePath();
    dev.streamtune.store.LocalFiles.deleteTree(dir);
    byte[] jpeg = jpeg();
    ObjectNode out = JSON.createObjectNode().put("seconds", seconds).put("imageBytes", jpeg.length);
    Path model = Announcer.export(dir.resolve("model"), 1);
    TopicNames topics = DevStackConfig.ephemeral(dir, false).topics();
    try (DevStack stack = DevStack.start(DevStackConfig.ephemeral(dir.resolve("stack"), true));
        MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        Announcer announcer = new Announcer(stack.kafka(), stack.registry(), topics, s3);
        ServeApp app =
            ServeApp.start(
                unlimited(ServeConfig.defaults().with(0, Set.of("bench"), dir.resolve("cache"))),
                stack.kafka(),
                stack.registry(),
                topics,
                stack.s3());
        ExportedClassifier raw = ExportedClassifier.open(model, 40_000_000)) {
      announcer.announce("bench", 1, VersionStatus.PUBLISHED, model, false);
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!app.subscriber().ready(Set.of("bench")) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + app.port() + "/v1/models/bench:classify");
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .header("Content-Type", "image/jpeg")
              .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg))
              .build();
      Callable<Void> viaHttp =
          () -> {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
              throw new IllegalStateException(r.statusCode() + " " + r.body());
            }
            return null;
          };
      Callable<Void> direct =
          () -> {
            raw.probabilities(List.of(jpeg));
            return null;
          };
      measure(direct, 1, 5);
      measure(viaHttp, 1, 5);
      for (int c : new int[] {1, 8}) {
        ObjectNode r = out.putObject("concurrency" + c);
        ObjectNode d = measure(direct, c, seconds);
        ObjectNode h = measure(viaHttp, c, seconds);
        r.set("predictor", d);
        r.set("http", h);
        r.put("throughputRatio", h.get("perSecond").asDouble() / d.get("perSecond").asDouble());
        System.err.println("bench: concurrency " + c + " " + r);
      }
    }
    System.out.println(JSON.writeValueAsString(out));
  }

  static ObjectNode measure(Callable<Void> call, int threads, int seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long t0 = System.nanoTime();
    List<Future<List<Long>>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(
          pool.submit(
              () -> {
                List<Long> lat = new ArrayList<>();
                while (System.nanoTime() < end) {
                  long s = System.nanoTime();
                  call.call();
                  lat.add(System.nanoTime() - s);
                }
                return lat;
              }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<List<Long>> f : fs) {
      all.addAll(f.get());
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
    return JSON.createObjectNode()
        .put("requests", sorted.length)
        .put("perSecond", sorted.length / elapsed)
        .put("p50Millis", sorted[sorted.length / 2] / 1e6)
        .put("p99Millis", sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6);
  }

  static byte[] jpeg() throws Exception {
    Random r = new Random(1);
    BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 240; y++) {
      for (int x = 0; x < 320; x++) {
        img.setRGB(
            x,
            y,
            ((x + r.nextInt(40)) & 0xff) << 16
                | ((y + r.nextInt(40)) & 0xff) << 8
                | (x ^ y) & 0xff);
      }
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ImageIO.write(img, "jpg", b);
    return b.toByteArray();
  }

  /**
   * The defaults with no concurrency limit below the benchmark's clients, so none is answered 503.
   */
  static ServeConfig unlimited(ServeConfig c) {
    return new ServeConfig(
        c.port(),
        c.models(),
        c.maxBodyBytes(),
        c.topK(),
        c.threads(),
        c.cacheDir(),
        c.maxPixels(),
        c.authToken(),
        c.bind(),
        c.readTimeout(),
        Math.max(c.maxConcurrent(), c.threads()),
        c.maxStuck(),
        c.predictions(),
        c.challenger());
  }
}
