package dev.streamtune.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.devstack.DevStack;
import dev.streamtune.devstack.DevStackConfig;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicManager;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.store.MinioObjectStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The poison benchmark behind {@code bench/poison/run.sh}: on one dev stack, ingest's throughput
 * when one record in ten is bad (drawn from {@link BadInputCorpus}: every kind of fault, the
 * 50,000×50,000 PNG and the 10,000-frame GIF included) against its throughput on good records
 * alone, in alternating pairs after a warm-up run, each run on fresh topics and a fresh
 * application. A run is timed from its first record sent to its last good record stored and last
 * bad one dead-lettered. Then a soak: one application fed the same mix round after round, with the
 * heap in use after a full GC and the process's resident set after each round, so that growth would
 * show.
 */
public final class PoisonBench {
  private static final TopicPolicy POLICY = new TopicPolicy(6, (short) -1, Duration.ofHours(1));

  private PoisonBench() {}

  /**
   * {@code PoisonBench [RECORDS] [PAIRS] [SOAK]}: records per run (default 3000), pairs of runs
   * (default 3), rounds of the soak (default 10).
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    List<Map<String, Object>> soak;
    Path dir = Path.of("target", "bench-poison").toAbsolutePath();
    dev.streamtune.store.LocalFiles.deleteTree(dir);
    List<byte[]> jpegs = IngestBench.jpegs(n);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    List<Map<String, Object>> runs = new ArrayList<>();
    try (DevStack stack = DevStack.start(DevStackConfig.ephemeral(dir.resolve("stack"), true));
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.registry());
        MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      s3.put(BadInputCorpus.REF_KEY, BadInputCorpus.REF_OBJECT, "image/png", Map.of());
      var images = ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry());
      var requests = ConfluentAvroSerde.of(TrainingRequest.class, registry, stack.registry());
      List<BadInputCorpus.Case> corpus =
          new BadInputCorpus(images, requests, "images.labelled", stack.s3().bucket(), 42)
              .generate();
      run(stack, meters, images, dir, "warm-up", jpegs, corpus, 10);
      for (int p = 0; p < pairs; p++) {
        for (int share : p % 2 == 0 ? new int[] {0, 10} : new int[] {10, 0}) {
          runs.add(run(stack, meters, images, dir, "p" + p + "-" + share, jpegs, corpus, share));
        }
      }
      soak = soak(stack, meters, images, dir, jpegs, corpus, rounds);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("recordsPerRun", n);
    result.put("runs", runs);
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i + 1 < runs.size(); i += 2) {
      Map<String, Object> a = runs.get(i);
      Map<String, Object> b = runs.get(i + 1);
      Map<String, Object> poison = (int) a.get("poisonPercent") == 10 ? a : b;
      Map<String, Object> clean = poison == a ? b : a;
      ratios.add((double) poison.get("recordsPerSecond") / (double) clean.get("recordsPerSecond"));
    }
    result.put("ratiosPoisonToClean", ratios);
    List<Double> sorted = ratios.stream().sorted().toList();
    result.put(
        "medianRatio", (sorted.get((sorted.size() - 1) / 2) + sorted.get(sorted.size() / 2)) / 2);
    result.put("soak", soak);
    System.out.println(new ObjectMapper().writeValueAsString(result));
  }

  private record Batch(List<ProducerRecord<byte[], byte[]>> records, int good, int bad) {}

  private static Map<String, Object> run(
      DevStack stack,
      SimpleMeterRegistry meters,
      ConfluentAvroSerde<LabelledImage> images,
      Path dir,
      String tag,
      List<byte[]> jpegs,
      List<BadInputCorpus.Case> corpus,
      int poisonPercent)
      throws Exception {
    TopicNames topics = topics(stack, tag);
    try (IngestApp app = start(stack, dir, tag, topics, meters)) {
      Map<String, Object> out =
          measure(stack, meters, batch(images, topics, tag, jpegs, corpus, poisonPercent));
      out.put("run", tag);
      out.put("poisonPercent", poisonPercent);
      System.err.println("poison bench: " + out);
      return out;
    }
  }

  /** One ingest application fed round after round with 10% poison: heap and RSS after each. */
  private static List<Map<String, Object>> soak(
      DevStack stack,
      SimpleMeterRegistry meters,
      ConfluentAvroSerde<LabelledImage> images,
      Path dir,
      List<byte[]> jpegs,
      List<BadInputCorpus.Case> corpus,
      int rounds)
      throws Exception {
    TopicNames topics = topics(stack, "soak");
    List<Map<String, Object>> out = new ArrayList<>();
    try (IngestApp app = start(stack, dir, "soak", topics, meters)) {
      for (int r = 0; r < rounds; r++) {
        Map<String, Object> m =
            measure(stack, meters, batch(images, topics, "soak-" + r, jpegs, corpus, 10));
        m.put("round", r + 1);
        System.err.println("poison bench soak: " + m);
        out.add(m);
      }
    }
    return out;
  }

  private static TopicNames topics(DevStack stack, String tag) throws Exception {
    TopicNames topics = TopicNames.withPrefix("bench-" + tag + ".");
    try (Admin admin = Admin.create(stack.kafka().clientProps())) {
      TopicManager.ensure(admin, topics, POLICY);
      awaitLeaders(admin, topics.labelledImages());
    }
    return topics;
  }

  private static IngestApp start(
      DevStack stack, Path dir, String tag, TopicNames topics, SimpleMeterRegistry meters)
      throws Exception {
    IngestConfig config =
        IngestConfig.defaults()
            .withTriggers(1_000_000, 1, Duration.ZERO)
            .withApplication("bench-" + tag, dir.resolve("state-" + tag))
            .withStorage(Set.of(stack.s3().bucket()), IngestConfig.defaults().storageRetry());
    IngestApp app =
        IngestApp.start(
            config, stack.kafka(), stack.registry(), topics, POLICY, stack.s3(), meters);
    while (app.state() != KafkaStreams.State.RUNNING) {
      Thread.sleep(50);
    }
    return app;
  }

  private static Batch batch(
      ConfluentAvroSerde<LabelledImage> images,
      TopicNames topics,
      String tag,
      List<byte[]> jpegs,
      List<BadInputCorpus.Case> corpus,
      int poisonPercent) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    int bad = 0;
    for (int i = 0; i < jpegs.size(); i++) {
      byte[] value;
      String key = tag + "-" + i;
      if (poisonPercent > 0 && i % (100 / poisonPercent) == 7 % (100 / poisonPercent)) {
        value = corpus.get(bad++ % corpus.size()).value();
      } else {
        value =
            images
                .serializer()
                .serialize(
                    topics.labelledImages(),
                    IngestTopologyTest.event(
                        key, "m-" + tag, "c" + i % 5, jpegs.get(i), "image/jpeg"));
      }
      records.add(
          new ProducerRecord<>(
              topics.labelledImages(), key.getBytes(StandardCharsets.UTF_8), value));
    }
    return new Batch(records, records.size() - bad, bad);
  }

  /** Sends a batch, waits until each good record is stored and each bad one dead-lettered. */
  private static Map<String, Object> measure(
      DevStack stack, SimpleMeterRegistry meters, Batch batch) throws Exception {
    Counter stored = meters.counter(IngestMetrics.STORED, "kind", "new");
    double stored0 = stored.count();
    double dead0 = deadLettered(meters);
    Map<String, Object> p = new LinkedHashMap<>(stack.kafka().clientProps());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    long t0 = System.nanoTime();
    try (var producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      batch.records().forEach(producer::send);
      producer.flush();
    }
    while (stored.count() - stored0 < batch.good() || deadLettered(meters) - dead0 < batch.bad()) {
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.gc();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("good", batch.good());
    out.put("bad", batch.bad());
    out.put("seconds", seconds);
    out.put("recordsPerSecond", batch.records().size() / seconds);
    out.put("goodPerSecond", batch.good() / seconds);
    out.put(
        "heapUsedAfterGcMiB",
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
    out.put("rssMiB", procStatus("VmRSS"));
    out.put("peakRssMiB", procStatus("VmHWM"));
    return out;
  }

  private static double deadLettered(SimpleMeterRegistry meters) {
    return meters.find(IngestMetrics.DEAD_LETTERED).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static void awaitLeaders(Admin admin, String topic) throws Exception {
    for (int i = 0; i < 200; i++) {
      var d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      if (d.partitions().stream().allMatch(pi -> pi.leader() != null && !pi.leader().isEmpty())) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(topic + " has partitions without a leader");
  }

  private static long procStatus(String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
      }
    }
    return -1;
  }
}
