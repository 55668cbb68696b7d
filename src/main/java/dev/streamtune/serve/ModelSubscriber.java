package dev.streamtune.serve;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ml.ExportedClassifier;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code models.versions} and keeps the newest good version of each model loaded.
 *
 * <p>It reads the topic from the beginning with a consumer of no group (assign, then seek to the
 * beginning, read-committed), since every instance must see every version; the topic is compacted
 * and small. For each model it serves, it keeps the highest PUBLISHED version: REJECTED versions
 * and versions older than the loaded one are never loaded. It downloads the version's SavedModel,
 * checks the artifact's sha256 (a mismatch is logged and refused, and the previous version stays),
 * loads it through DJL and swaps it into the model's {@link Classifier}. On start it reads to the
 * end before loading, so a new subscriber loads each model's current version once.
 *
 * <pre>{@code
 * try (ModelSubscriber s = ModelSubscriber.start(kafka, registry, "models.versions", store, config, v -> {})) {
 *   s.classifier("pets").orElseThrow().classify(jpegBytes);
 * }
 * }</pre>
 */
public final class ModelSubscriber implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSubscriber.class);
  private final KafkaConsumer<String, ModelVersion> consumer;
  private final SchemaRegistryClient registry;
  private final String topic;
  private final ObjectStore store;
  private final ServeConfig config;
  private final List<Consumer<ModelVersion>> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, Classifier> classifiers = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentSkipListMap<Integer, ModelVersion>> history = new ConcurrentHashMap<>();
  private final Map<String, ModelVersion> pending = new HashMap<>();
  private final Map<String, Integer> refused = new HashMap<>();
  private final Thread thread;
  private volatile boolean caughtUp;
  private volatile boolean running = true;

  private ModelSubscriber(KafkaConfig kafka, RegistryConfig registryConfig, String topic, ObjectStore store,
      ServeConfig config) {
    Map<String, Object> p = kafka.readCommittedConsumerProps();
    this.registry = new SchemaRegistryClient(registryConfig);
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(),
        ConfluentAvroSerde.of(ModelVersion.class, registry, registryConfig).deserializer());
    this.topic = topic;
    this.store = store;
    this.config = config;
    this.thread = new Thread(this::run, "model-subscriber");
    this.thread.setDaemon(true);
  }

  /**
   * Starts following the topic.
   *
   * @param store the bucket the artifacts are in; null loads nothing
   * @param listener told of every version read (REJECTED ones too), in topic order, or null
   */
  public static ModelSubscriber start(KafkaConfig kafka, RegistryConfig registry, String topic, ObjectStore store,
      ServeConfig config, Consumer<ModelVersion> listener) {
    ModelSubscriber s = new ModelSubscriber(kafka, registry, topic, store, config);
    if (listener != null) {
      s.listeners.add(listener);
    }
    s.thread.start();
    return s;
  }

  /**
   * Follows the topic without loading anything, telling {@code listener} of every version, as
   * {@code streamtune watch} does.
   */
  public static ModelSubscriber watch(KafkaConfig kafka, RegistryConfig registry, String topic,
      Consumer<ModelVersion> listener) {
    return start(kafka, registry, topic, null, ServeConfig.defaults(), listener);
  }

  /** The classifier of a model, once a version of it has been loaded. */
  public Optional<Classifier> classifier(String modelId) {
    Classifier c = classifiers.get(modelId);
    return c == null || c.served().isEmpty() ? Optional.empty() : Optional.of(c);
  }

  /** The loaded classifiers by model. */
  public Map<String, Classifier> classifiers() {
    Map<String, Classifier> out = new TreeMap<>();
    classifiers.forEach((m, c) -> c.served().ifPresent(v -> out.put(m, c)));
    return out;
  }

  /** Every version of a model read so far, REJECTED ones included, oldest first. */
  public List<ModelVersion> history(String modelId) {
    ConcurrentSkipListMap<Integer, ModelVersion> h = history.get(modelId);
    return h == null ? List.of() : new ArrayList<>(h.values());
  }

  /** Every model with versions read so far. */
  public Set<String> models() {
    return new java.util.TreeSet<>(history.keySet());
  }

  /**
   * Whether the topic has been read to the end it had at start and each of {@code models} has a
   * version loaded: ready to serve them.
   */
  public boolean ready(Set<String> models) {
    return caughtUp && models.stream().allMatch(m -> classifier(m).isPresent());
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    classifiers.values().forEach(Classifier::close);
    registry.close();
  }

  private void run() {
    try {
      List<TopicPartition> parts = partitions();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (running) {
        for (ConsumerRecord<String, ModelVersion> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            read(r.value());
          }
        }
        if (!caughtUp && parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
          caughtUp = true;
          LOG.info("Read {} to its end: {} model(s)", topic, history.size());
        }
        if (caughtUp) {
          loadPending();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      LOG.error("The model subscriber stopped: {}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** The topic's partitions, once it exists (the first trainer or worker creates it). */
  private List<TopicPartition> partitions() {
    boolean logged = false;
    while (running) {
      List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      if (!parts.isEmpty()) {
        return parts;
      }
      if (!logged) {
        LOG.info("Waiting for topic {} to exist", topic);
        logged = true;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WakeupException();
      }
    }
    throw new WakeupException();
  }

  private void read(ModelVersion v) {
    history.computeIfAbsent(v.getModelId(), k -> new ConcurrentSkipListMap<>()).put(v.getVersion(), v);
    listeners.forEach(l -> l.accept(v));
    if (store == null || v.getStatus() != VersionStatus.PUBLISHED || !config.serves(v.getModelId())) {
      return;
    }
    int loaded = classifiers.containsKey(v.getModelId())
        ? classifiers.get(v.getModelId()).served().map(ModelVersion::getVersion).orElse(0) : 0;
    ModelVersion queued = pending.get(v.getModelId());
    if (v.getVersion() > loaded && (queued == null || v.getVersion() >= queued.getVersion())) {
      pending.put(v.getModelId(), v);
    }
  }

  private void loadPending() {
    for (ModelVersion v : List.copyOf(pending.values())) {
      pending.remove(v.getModelId());
      if (refused.getOrDefault(v.getModelId(), 0) >= v.getVersion()) {
        continue;
      }
      try {
        load(v);
      } catch (RuntimeException e) {
        refused.put(v.getModelId(), v.getVersion());
        LOG.error("Refused {} version {}; still serving {}: {}", v.getModelId(), v.getVersion(),
            classifier(v.getModelId()).flatMap(Classifier::served).map(x -> "version " + x.getVersion())
                .orElse("nothing"), e.getMessage());
      }
    }
  }

  private void load(ModelVersion v) {
    long t0 = System.nanoTime();
    Path dir = config.cacheDir().resolve(v.getModelId()).resolve(v.getVersion() + "-" + UUID.randomUUID());
    var artifact = v.getArtifacts().getSavedModel();
    ExportedClassifier model;
    try {
      ArtifactFiles.download(store, artifact.getUri(), artifact.getSha256(), dir);
      model = ExportedClassifier.open(dir, config.maxPixels());
    } catch (RuntimeException e) {
      new Loaded(null, v, dir).deleteFiles();
      throw e;
    }
    Classifier c = classifiers.computeIfAbsent(v.getModelId(), Classifier::new);
    c.swap(new Loaded(model, v, dir));
    ServeMetrics.served(v.getModelId(), v.getVersion());
    LOG.info("Serving {} version {} (loaded in {} ms)", v.getModelId(), v.getVersion(),
        (System.nanoTime() - t0) / 1_000_000);
  }
}
