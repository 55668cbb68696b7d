package dev.streamtune.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.devstack.DevStack;
import dev.streamtune.devstack.DevStackConfig;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.InlineImage;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.store.MinioObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The ingest benchmark behind {@code bench/ingest/run.sh}: on one dev stack, raw S3 PUT throughput
 * of 20 KiB objects with as many threads as ingest has stream threads, and again with as many as
 * ingest has concurrent storage writers; then ingest end to end, from the first event produced to
 * the last example stored, for the same number of 20 KiB JPEGs. The ratio is taken against the
 * faster of the two raw figures.
 */
public final class IngestBench {
  private static final int WARM_UP = 200;

  private IngestBench() {}

  /**
   * {@code IngestBench EVENTS [THREADS] [WRITERS]}: THREADS for the first raw PUTs and ingest's
   * stream threads, WRITERS for ingest's concurrent storage writes (0 writes inline) and the second
   * raw PUTs.
   */
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int writers =
        args.length > 2 ? Integer.parseInt(args[2]) : IngestConfig.defaults().storeWriters();
    Path dir = Path.of("target", "bench-ingest").toAbsolutePath();
    dev.streamtune.store.LocalFiles.deleteTree(dir);
    List<byte[]> jpegs = jpegs(n);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("events", n);
    result.put("threads", threads);
    result.put("meanImageBytes", jpegs.stream().mapToInt(b -> b.length).average().orElse(0));
    try (DevStack stack = DevStack.start(DevStackConfig.ephemeral(dir.resolve("stack"), true))) {
      rawPuts(stack, jpegs.subList(0, Math.min(jpegs.size(), 1000)), 4, "warm-up");
      double puts = rawPuts(stack, jpegs, threads, "raw-" + threads);
      result.put("rawPutsPerSecond", puts);
      int rawThreads = Math.max(writers, threads);
      double concurrent = rawPuts(stack, jpegs, rawThreads, "raw-" + rawThreads);
      result.put("storeWriters", writers);
      result.put("rawPutsPerSecondAtWriters", concurrent);
      double events = ingest(stack, dir, jpegs, threads, writers);
      result.put("ingestEventsPerSecond", events);
      result.put("ratio", events / Math.max(puts, concurrent));
    }
    System.out.println(new ObjectMapper().writeValueAsString(result));
  }

  private static double rawPuts(DevStack stack, List<byte[]> jpegs, int threads, String prefix)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      long t0 = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = first; i < jpegs.size(); i += threads) {
                    s3.put(
                        prefix + "/" + i + ".jpg",
                        jpegs.get(i),
                        "image/jpeg",
                        Map.of("event-id", "e" + i));
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      return jpegs.size() / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdown();
    }
  }

  private static double ingest(
      DevStack stack, Path dir, List<byte[]> jpegs, int threads, int writers) throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    var topics = DevStackConfig.ephemeral(dir, false).topics();
    IngestConfig config =
        IngestConfig.defaults()
            .withTriggers(1_000_000, 1, Duration.ZERO)
            .withApplication("bench-ingest", dir.resolve("state"))
            .withThreads(threads)
            .withStoreWriters(writers);
    try (IngestApp app =
            IngestApp.start(
                config,
                stack.kafka(),
                stack.registry(),
                topics,
                new TopicPolicy(6, (short) -1, Duration.ofHours(1)),
                stack.s3(),
                meters);
        var registry = new SchemaRegistryClient(stack.registry())) {
      Map<String, Object> p = new HashMap<>(stack.kafka().clientProps());
      p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      try (var producer =
          new KafkaProducer<>(
              p,
              new StringSerializer(),
              ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry())
                  .serializer())) {
        var stored = meters.counter(IngestMetrics.STORED, "kind", "new");
        int warm = WARM_UP;
        for (int i = 0; i < warm; i++) {
          producer.send(
              new ProducerRecord<>(
                  topics.labelledImages(),
                  "warm",
                  LabelledImage.newBuilder()
                      .setEventId("w" + i)
                      .setModelId("warm")
                      .setLabel("w")
                      .setImage(
                          InlineImage.newBuilder()
                              .setData(ByteBuffer.wrap(jpegs.get(i)))
                              .setContentType("image/jpeg")
                              .build())
                      .setCapturedAt(Instant.now())
                      .build()));
        }
        producer.flush();
        while (stored.count() < warm) {
          Thread.sleep(50);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < jpegs.size(); i++) {
          String model = "m" + (i % 3);
          producer.send(
              new ProducerRecord<>(
                  topics.labelledImages(),
                  model,
                  LabelledImage.newBuilder()
                      .setEventId("e" + i)
                      .setModelId(model)
                      .setLabel("c" + (i % 5))
                      .setImage(
                          InlineImage.newBuilder()
                              .setData(ByteBuffer.wrap(jpegs.get(i)))
                              .setContentType("image/jpeg")
                              .build())
                      .setCapturedAt(Instant.now())
                      .build()));
        }
        while (stored.count() < warm + jpegs.size()) {
          Thread.sleep(20);
        }
        return jpegs.size() / ((System.nanoTime() - t0) / 1e9);
      }
    } finally {
    }
  }

  /** Distinct JPEGs of about 20 KiB: smooth colour fields with noise. */
  static List<byte[]> jpegs(int n) throws Exception {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Random r = new Random(i);
      BufferedImage img = new BufferedImage(240, 180, BufferedImage.TYPE_INT_RGB);
      int base = r.nextInt(1 << 24);
      for (int y = 0; y < 180; y++) {
        for (int x = 0; x < 240; x++) {
          img.setRGB(
              x,
              y,
              base
                  ^ (x * 3 + y * 5 + r.nextInt(96))
                  ^ (r.nextInt(96) << 8)
                  ^ (r.nextInt(96) << 16));
        }
      }
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      ImageIO.write(img, "jpeg", b);
      out.add(b.toByteArray());
    }
    return out;
  }
}
