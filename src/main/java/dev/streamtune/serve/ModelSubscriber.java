package dev.streamtune.serve;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.Failures;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ml.ExportedClassifier;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
import org.apache.kafka.common.errors.RecordDeserializationException;
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
 * <p>It never stops on an outage: {@link dev.streamtune.events.Failures} decides what each error
 * means. A record that can never be read (malformed, or of a schema that cannot be read as a
 * ModelVersion) is skipped, logged once with its reason, and counted. An outage (the registry
 * unreachable for a schema not cached yet, the broker, the object storage while a version
 * downloads) is retried from the same record with a backoff, and {@link #status()} says since when
 * it is stuck and why, for {@code /readyz} and {@code /healthz}; {@code
 * streamtune.serve.subscriber.lag} shows how far behind the topic's end it is. Any other error
 * stops it for good, which {@link SubscriberStatus#alive()} reports; the loaded versions stay.
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
  private final SubscriberStatus status;
  private List<TopicPartition> parts;
  private Map<TopicPartition, Long> end;
  private long lastEndOffsets = System.nanoTime() - 2_000_000_000L;
  private volatile boolean caughtUp;
  private volatile boolean running = true;

  private ModelSubscriber(KafkaConfig kafka, RegistryConfig registryConfig, String topic, ObjectStore store,
      ServeConfig config, Clock clock) {
    this.status = new SubscriberStatus(clock);
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
    return start(kafka, registry, topic, store, config, listener, Clock.systemUTC());
  }

  /** Starts following the topic, timing its {@link #status()} by {@code clock}. */
  public static ModelSubscriber start(KafkaConfig kafka, RegistryConfig registry, String topic, ObjectStore store,
      ServeConfig config, Consumer<ModelVersion> listener, Clock clock) {
    ModelSubscriber s = new ModelSubscriber(kafka, registry, topic, store, config, clock);
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

  /** Whether it follows the topic, is stuck (since when, and why), or stopped for good. */
  public SubscriberStatus status() {
    return status;
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
      while (running) {
        try {
          if (parts == null) {
            assign();
          }
          follow();
          status.progressed();
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          if (!recover(e)) {
            return;
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        status.stopped(e.toString());
        LOG.error("The model subscriber stopped: woken up while running");
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void assign() {
    List<TopicPartition> found = partitions();
    consumer.assign(found);
    consumer.seekToBeginning(found);
    end = consumer.endOffsets(found);
    parts = found;
  }

  private void follow() {
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
    measureLag();
  }

  /**
   * Decides through {@link Failures} what an error means: a record that can never be read is
   * skipped, logged once; an outage is retried after a backoff, from the same record; anything
   * else stops the subscriber for good.
   *
   * @return whether to go on
   */
  private boolean recover(RuntimeException e) {
    Failures.Disposition d = Failures.classify(e);
    if (d == Failures.Disposition.DEAD_LETTER && e instanceof RecordDeserializationException r) {
      LOG.error("Skipping the record of {} at offset {}: it can never be read: {}", r.topicPartition(),
          r.offset(), reason(e));
      consumer.seek(r.topicPartition(), r.offset() + 1);
      ServeMetrics.skipped(topic);
      return true;
    }
    if (d != Failures.Disposition.RETRY) {
      status.stopped(reason(e));
      LOG.error("The model subscriber stopped for good; serve keeps its loaded versions but follows no new one: {}",
          reason(e), e);
      return false;
    }
    boolean first = status.stuckSince().isEmpty();
    Duration wait = status.failed(reason(e));
    if (first) {
      LOG.warn("The model subscriber cannot go on, retrying every {} s at most: {}", SubscriberStatus.MAX_MILLIS
          / 1000, reason(e));
    } else {
      LOG.debug("The model subscriber still cannot go on; next try in {}: {}", wait, reason(e));
    }
    if (e instanceof RecordDeserializationException r) {
      consumer.seek(r.topicPartition(), r.offset());
    }
    try {
      measureLag();
    } catch (RuntimeException ignored) {
      LOG.debug("No lag while stuck: {}", ignored.toString());
    }
    pause(wait);
    return true;
  }

  /**
   * Sets the lag gauge from what the consumer knows; a partition not fetched from yet costs a
   * request for the end offsets, at most once a second.
   */
  private void measureLag() {
    if (parts == null) {
      return;
    }
    long lag = 0;
    Map<TopicPartition, Long> ends = null;
    for (TopicPartition tp : parts) {
      OptionalLong l = consumer.currentLag(tp);
      if (l.isEmpty()) {
        if (ends == null && System.nanoTime() - lastEndOffsets < 1_000_000_000L) {
          return;
        }
        if (ends == null) {
          lastEndOffsets = System.nanoTime();
          ends = consumer.endOffsets(parts, Duration.ofSeconds(5));
        }
        lag += Math.max(0, ends.get(tp) - consumer.position(tp));
      } else {
        lag += l.getAsLong();
      }
    }
    ServeMetrics.lag(topic, lag);
  }

  private static String reason(Throwable e) {
    StringBuilder out = new StringBuilder(e.toString());
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      out.append("; caused by ").append(c);
    }
    return out.toString();
  }

  private void pause(Duration wait) {
    long until = System.nanoTime() + wait.toNanos();
    try {
      while (running && System.nanoTime() < until) {
        Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WakeupException();
    }
  }

  /** The topic's partitions, once it exists (the first trainer or worker creates it). */
  private List<TopicPartition> partitions() {
    boolean logged = false;
    while (running) {
      List<TopicPartition> found = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      if (!found.isEmpty()) {
        return found;
      }
      if (!logged) {
        LOG.info("Waiting for topic {} to exist", topic);
        logged = true;
      }
      pause(Duration.ofMillis(500));
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
        if (Failures.classify(e) == Failures.Disposition.RETRY) {
          pending.putIfAbsent(v.getModelId(), v);
          throw e;
        }
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
