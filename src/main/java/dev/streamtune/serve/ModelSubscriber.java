package dev.streamtune.serve;

import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.Failures;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.store.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code models.versions} and keeps the newest good version of each model loaded, or, while
 * {@code serve.challenger.mode} is on, follows {@code models.champions} too and keeps each model's
 * champion and challenger loaded, as {@link Lineup} says.
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
 * <p>It runs one thread, which reads the topic through a {@link VersionsTopic} and keeps what it
 * read and loaded in {@link ServedModels}; this class decides what each error means and how long to
 * wait before the next try.
 *
 * <pre>{@code
 * try (ModelSubscriber s = ModelSubscriber.start(kafka, registry, "models.versions", store, config, v -> {})) {
 *   s.classifier("pets").orElseThrow().classify(jpegBytes);
 * }
 * }</pre>
 */
public final class ModelSubscriber implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSubscriber.class);
  private final SchemaRegistryClient registry;
  private final VersionsTopic topic;
  private final ServedModels served;
  private final List<Consumer<ModelVersion>> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final SubscriberStatus status;
  private final ServeMetrics metrics;

  private ModelSubscriber(
      KafkaConfig kafka,
      RegistryConfig registryConfig,
      Topics topics,
      ObjectStore store,
      ServeConfig config,
      Clock clock,
      ServeMetrics metrics) {
    this.metrics = metrics;
    this.status = new SubscriberStatus(clock);
    this.registry = new SchemaRegistryClient(registryConfig);
    this.topic =
        VersionsTopic.open(
            kafka,
            registry,
            registryConfig,
            topics.versions(),
            config.challenger().enabled() ? topics.champions() : null,
            metrics);
    this.served = new ServedModels(store, config, metrics);
    this.thread = new Thread(this::run, "model-subscriber");
    this.thread.setDaemon(true);
  }

  /**
   * Starts following the topic; with {@code serve.challenger.mode} on, the champion decisions too,
   * on the default {@code models.champions} (serve's own start passes its configured names).
   *
   * @param store the bucket the artifacts are in; null loads nothing
   * @param listener told of every version read (REJECTED ones too), in topic order, or null
   */
  public static ModelSubscriber start(
      KafkaConfig kafka,
      RegistryConfig registry,
      String topic,
      ObjectStore store,
      ServeConfig config,
      Consumer<ModelVersion> listener) {
    return start(
        kafka,
        registry,
        topic,
        store,
        config,
        listener,
        Clock.systemUTC(),
        new SimpleMeterRegistry());
  }

  /**
   * Starts following the topic, timing its {@link #status()} by {@code clock}.
   *
   * @param meters the process's registry, for the served versions and the lag
   */
  public static ModelSubscriber start(
      KafkaConfig kafka,
      RegistryConfig registry,
      String topic,
      ObjectStore store,
      ServeConfig config,
      Consumer<ModelVersion> listener,
      Clock clock,
      MeterRegistry meters) {
    return start(
        kafka,
        registry,
        new Topics(topic, TopicNames.defaults().championDecisions()),
        store,
        config,
        listener,
        clock,
        new ServeMetrics(meters));
  }

  /**
   * The topics it reads.
   *
   * @param versions {@code models.versions}
   * @param champions {@code models.champions}, read when {@code serve.challenger.mode} is not off
   */
  record Topics(String versions, String champions) {
    /** The topics of these names. */
    static Topics of(TopicNames names) {
      return new Topics(names.modelVersions(), names.championDecisions());
    }
  }

  static ModelSubscriber start(
      KafkaConfig kafka,
      RegistryConfig registry,
      Topics topics,
      ObjectStore store,
      ServeConfig config,
      Consumer<ModelVersion> listener,
      Clock clock,
      ServeMetrics metrics) {
    ModelSubscriber s = new ModelSubscriber(kafka, registry, topics, store, config, clock, metrics);
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
  public static ModelSubscriber watch(
      KafkaConfig kafka, RegistryConfig registry, String topic, Consumer<ModelVersion> listener) {
    return start(kafka, registry, topic, null, ServeConfig.defaults(), listener);
  }

  /** The classifier of a model, once a version of it has been loaded. */
  public Optional<Classifier> classifier(String modelId) {
    return served.classifier(modelId);
  }

  /**
   * The classifier of a model's challenger, while {@code serve.challenger.mode} is on and a newer
   * PUBLISHED version than the champion is on trial.
   */
  public Optional<Classifier> challenger(String modelId) {
    return served.challenger(modelId);
  }

  /**
   * The champion decision in force for a model, the decisions read folded by {@link
   * dev.streamtune.events.ChampionDecisions#fold} (only while challengers are on).
   */
  public Optional<ChampionDecision> decision(String modelId) {
    return served.decision(modelId);
  }

  /** The loaded classifiers by model. */
  public Map<String, Classifier> classifiers() {
    return served.classifiers();
  }

  /** The version of a model served, or 0 when none is. */
  int servedVersion(String modelId) {
    return served.servedVersion(modelId);
  }

  /** Every version of a model read so far, REJECTED ones included, oldest first. */
  public List<ModelVersion> history(String modelId) {
    return served.history(modelId);
  }

  /** Every model with versions read so far. */
  public Set<String> models() {
    return served.models();
  }

  /**
   * Whether the topic has been read to the end it had at start and each of {@code models} has a
   * version loaded: ready to serve them.
   */
  public boolean ready(Set<String> models) {
    return topic.caughtUp() && models.stream().allMatch(m -> classifier(m).isPresent());
  }

  /** Whether it follows the topic, is stuck (since when, and why), or stopped for good. */
  public SubscriberStatus status() {
    return status;
  }

  @Override
  public void close() {
    topic.stop();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    served.close();
    registry.close();
  }

  private void run() {
    try {
      while (topic.running()) {
        try {
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
      if (topic.running()) {
        status.stopped(e.toString());
        LOG.error("The model subscriber stopped: woken up while running");
      }
    } catch (Error e) {
      status.stopped(e.toString());
      LOG.error("The model subscriber stopped on an error of the JVM; serve is no longer live", e);
      throw e;
    } finally {
      topic.close();
    }
  }

  private void follow() {
    for (Object o : topic.poll()) {
      if (o instanceof ModelVersion v) {
        served.remember(v);
        listeners.forEach(l -> l.accept(v));
        served.offer(v);
      } else if (o instanceof ChampionDecision d) {
        served.decide(d);
      }
    }
    if (topic.reachedEnd()) {
      LOG.info("Read {} to its end: {} model(s)", topic.name(), served.models().size());
    }
    if (topic.caughtUp()) {
      served.loadPending();
    }
    topic.measureLag();
  }

  /**
   * Decides through {@link Failures} what an error means: a record that can never be read is
   * skipped, logged once; an outage is retried after a backoff, from the same record; anything else
   * stops the subscriber for good.
   *
   * @return whether to go on
   */
  private boolean recover(RuntimeException e) {
    Failures.Disposition d = Failures.classify(e);
    if (d == Failures.Disposition.DEAD_LETTER && e instanceof RecordDeserializationException r) {
      LOG.error(
          "Skipping the record of {} at offset {}: it can never be read: {}",
          r.topicPartition(),
          r.offset(),
          reason(e));
      topic.skip(r);
      metrics.skipped(topic.name());
      return true;
    }
    if (d != Failures.Disposition.RETRY) {
      status.stopped(reason(e));
      LOG.error(
          "The model subscriber stopped for good; serve keeps its loaded versions but follows no new one: {}",
          reason(e),
          e);
      return false;
    }
    boolean first = status.stuckSince().isEmpty();
    Duration wait = status.failed(reason(e));
    if (first) {
      LOG.warn(
          "The model subscriber cannot go on, retrying every {} s at most: {}",
          SubscriberStatus.MAX_MILLIS / 1000,
          reason(e));
    } else {
      LOG.debug("The model subscriber still cannot go on; next try in {}: {}", wait, reason(e));
    }
    if (e instanceof RecordDeserializationException r) {
      topic.rewind(r);
    }
    try {
      topic.measureLag();
    } catch (RuntimeException ignored) {
      LOG.debug("No lag while stuck: {}", ignored.toString());
    }
    topic.pause(wait);
    return true;
  }

  private static String reason(Throwable e) {
    StringBuilder out = new StringBuilder(e.toString());
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      out.append("; caused by ").append(c);
    }
    return out.toString();
  }
}
