package dev.streamtune.train;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.ExampleIndexEntry;
import dev.streamtune.events.Failures;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicManager;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TrainingMode;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.events.TrainingRequests;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.store.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The trainer role: consumes {@code training.requests} in its own group, trains one model at a
 * time, and publishes each {@link ModelVersion} together with the request offsets in one
 * transaction of a producer whose {@code transactional.id} derives from the model id, so a zombie
 * or racing trainer of the same model is fenced and never publishes.
 *
 * <p>While a model trains, the consumer pauses its partitions and keeps polling, so the group does
 * not rebalance it away; requests that arrive meanwhile are coalesced into one follow-up run. The
 * version number is the highest on {@code models.versions} plus one, read after fencing; artifacts
 * go under a run-unique prefix, and {@code models/{modelId}/LATEST} is written after the event.
 *
 * <p>Membership changes are normal: the group uses the cooperative-sticky assignor, so a trainer
 * joining or leaving moves only the partitions that must move, and a run whose request's partition
 * moved is not published (its new owner answers the request). A request the registry cannot decode
 * during an outage is read again later; only a malformed one is skipped. No failure of one run,
 * including one after its publish (such as writing {@code LATEST}), stops the loop.
 *
 * <p>This class is the lifecycle and the loop: {@link Intake} turns fetched requests into {@link
 * Pending} batches, a {@link TrainingRun} trains one on its own thread, {@link RunCommit} publishes
 * it in the transaction (or drops it), and {@link AfterPublish} writes {@code LATEST}, sweeps
 * orphans and reports the final status. While no request waits, a {@link Prefetch} on the run
 * thread computes ahead the values of examples that arrived since a model's last run, and then a
 * {@link Consolidation} trains a chunk of a fine-tuned model's background consolidation; both stop
 * between two small steps when a request comes.
 */
public final class TrainerApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerApp.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RETRY_DELAY = Duration.ofSeconds(10);
  private static final Duration ORPHAN_GRACE = Duration.ofHours(1);
  private final Parts parts;
  private final TrainConfig config;
  private final Clock clock;
  private final KafkaConsumer<String, byte[]> requests;
  private final KafkaConsumer<String, ModelVersion> versions;
  private final StatusReporter status;
  private final SchemaRegistryClient registry;
  private final ConfluentAvroSerde<ModelVersion> versionSerde;
  private final ExecutorService runner =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "trainer-run"));
  private final Pending pending = new Pending();
  private final Thread loop;
  private final Intake intake;
  private final RunCommit commit;
  private final AfterPublish after;
  private final ExampleIndex index;
  private final Prefetch prefetch;
  private final Consolidation consolidation;
  private Future<?> prefetching;
  private AtomicBoolean stopPrefetch;
  private Instant nextPrefetch = Instant.EPOCH;
  private volatile boolean running = true;
  private Current current;
  private Instant notBefore = Instant.EPOCH;

  /**
   * What the trainer talks to.
   *
   * @param kafka the cluster
   * @param registry the registry settings
   * @param topics topic names
   * @param store the bucket
   * @param extractor the backbone
   * @param tfjsBaseModel the base model's TF.js layers directory, for the {@code tfjs/} artifact;
   *     null when the base model is a SavedModel (no TF.js export then)
   * @param workDir where exports are staged
   */
  public record Parts(
      KafkaConfig kafka,
      RegistryConfig registry,
      TopicNames topics,
      ObjectStore store,
      FeatureExtractor extractor,
      Path tfjsBaseModel,
      Path workDir,
      MeterRegistry meters) {
    /** The parts, with meters nobody reads. */
    public Parts(
        KafkaConfig kafka,
        RegistryConfig registry,
        TopicNames topics,
        ObjectStore store,
        FeatureExtractor extractor,
        Path tfjsBaseModel,
        Path workDir) {
      this(
          kafka,
          registry,
          topics,
          store,
          extractor,
          tfjsBaseModel,
          workDir,
          new SimpleMeterRegistry());
    }
  }

  private record Current(
      Pending.Batch batch,
      KafkaProducer<String, ModelVersion> producer,
      VersionLog log,
      int version,
      String runId,
      Future<ModelVersion> result) {}

  private TrainerApp(TrainConfig config, Parts parts, Clock clock) {
    this.config = config;
    this.parts = parts;
    this.clock = clock;
    this.registry = new SchemaRegistryClient(parts.registry());
    this.requests =
        new KafkaConsumer<>(
            Intake.consumerProps(parts.kafka(), config),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.versions =
        new KafkaConsumer<>(
            parts.kafka().readCommittedConsumerProps(),
            new StringDeserializer(),
            ConfluentAvroSerde.of(ModelVersion.class, registry, parts.registry()).deserializer());
    this.intake =
        new Intake(
            requests,
            ConfluentAvroSerde.of(TrainingRequest.class, registry, parts.registry()).deserializer(),
            pending,
            () -> current != null,
            clock,
            RETRY_DELAY);
    this.versionSerde = ConfluentAvroSerde.of(ModelVersion.class, registry, parts.registry());
    this.status = new StatusReporter(parts.kafka(), parts.topics().trainingStatus(), clock);
    this.commit = new RunCommit(requests, pending, parts.topics().modelVersions());
    this.after =
        new AfterPublish(
            parts.store(),
            () -> VersionLog.read(versions, parts.topics().modelVersions(), READ_TIMEOUT),
            parts.topics().modelVersions(),
            status,
            clock,
            RETRY_DELAY,
            ORPHAN_GRACE,
            new TrainMetrics(parts.meters()));
    this.index =
        new ExampleIndex(
            parts.kafka(),
            parts.topics().exampleIndex(),
            parts.store(),
            parts.workDir().resolve("index"),
            config.indexRelist(),
            clock);
    this.prefetch = new Prefetch(config, parts, index, clock);
    this.consolidation = new Consolidation(config, parts, index, prefetch, this::askConsolidated);
    this.loop = new Thread(this::loop, "trainer-loop");
  }

  /** Prepares the topics and starts the trainer loop. */
  public static TrainerApp start(TrainConfig config, Parts parts, TopicPolicy policy, Clock clock) {
    try (Admin admin = Admin.create(parts.kafka().clientProps())) {
      TopicManager.ensure(admin, parts.topics(), policy);
    }
    TrainerApp app = new TrainerApp(config, parts, clock);
    app.requests.subscribe(List.of(parts.topics().trainingRequests()), app.intake);
    app.loop.start();
    LOG.info(
        "Trainer started: {} → {}",
        parts.topics().trainingRequests(),
        parts.topics().modelVersions());
    return app;
  }

  private void loop() {
    try {
      after.repairLatest();
      while (running) {
        ConsumerRecords<String, byte[]> polled = requests.poll(POLL);
        try {
          intake.read(polled);
          step();
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          LOG.error(
              "A trainer step failed; the loop goes on and takes the next request in {} s",
              RETRY_DELAY.toSeconds(),
              e);
          notBefore = clock.instant().plus(RETRY_DELAY);
        }
      }
    } catch (WakeupException e) {
      LOG.debug("Trainer loop woken to stop");
    } catch (RuntimeException e) {
      LOG.error("The trainer loop stopped", e);
    } finally {
      stopPrefetch();
      if (current != null) {
        current.result().cancel(true);
        current.producer().close(Duration.ZERO);
      }
      requests.close(Duration.ofSeconds(5));
      versions.close();
    }
  }

  /** One turn of the loop: start the next run, or finish the current one, and the due retries. */
  private void step() {
    Instant now = clock.instant();
    intake.resumeDue(current == null);
    if (current == null) {
      after.repairIfDue(now);
      if (!now.isBefore(notBefore)) {
        Optional<Pending.Batch> next = pending.take();
        if (next.isPresent()) {
          stopPrefetch();
          begin(next.get());
        } else {
          prefetchIfDue(now);
        }
      }
    } else if (current.result().isDone()) {
      Current c = current;
      current = null;
      try {
        finish(c);
      } finally {
        requests.resume(intake.resumable());
      }
    }
  }

  /**
   * Starts a {@link Prefetch} on the run thread when the last one is done and one is due, for the
   * models whose requests this trainer is assigned.
   */
  private void prefetchIfDue(Instant now) {
    Duration every = config.prefetchInterval();
    if (every.isZero() || now.isBefore(nextPrefetch)) {
      return;
    }
    if (prefetching != null && !prefetching.isDone()) {
      return;
    }
    nextPrefetch = now.plus(every);
    Set<TopicPartition> owned = Set.copyOf(requests.assignment());
    if (owned.isEmpty()) {
      return;
    }
    String topic = parts.topics().trainingRequests();
    int partitions = requests.partitionsFor(topic).size();
    var stop = new AtomicBoolean();
    stopPrefetch = stop;
    java.util.function.Predicate<String> owns =
        m -> owned.contains(new TopicPartition(topic, ExampleIndexEntry.partition(m, partitions)));
    prefetching =
        runner.submit(
            () -> {
              prefetch.run(stop::get, owns);
              if (!stop.get()) {
                consolidation.step(() -> stop.get() || prefetch.behind(owns), owns);
              }
              if (stop.get()) {
                prefetch.close();
              }
            });
  }

  /** Asks for the retrain that publishes a finished consolidation of {@code modelId}. */
  private void askConsolidated(String modelId) {
    try {
      TrainingRequests.send(
          parts.kafka(),
          registry,
          parts.registry(),
          parts.topics().trainingRequests(),
          TrainingRequests.of(modelId, TrainingReason.CONSOLIDATION, clock.instant()));
    } catch (ExecutionException e) {
      throw new IllegalStateException("Could not ask for the consolidated retrain", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while asking for the consolidated retrain", e);
    }
  }

  /** Chunks of background consolidation ({@link Consolidation}) trained since the start. */
  public long consolidatedChunks() {
    return consolidation.chunks();
  }

  private void stopPrefetch() {
    if (stopPrefetch != null) {
      stopPrefetch.set(true);
    }
  }

  /**
   * Images whose values for a run in {@code mode} (the backbone's features for {@code HEAD}, the
   * frozen bottom's activations for {@code TOP}) were computed ahead of their run while the trainer
   * was idle.
   */
  public long prefetched(TrainingMode mode) {
    return prefetch.computed(mode);
  }

  private void begin(Pending.Batch b) {
    requests.pause(requests.assignment());
    KafkaProducer<String, ModelVersion> producer = null;
    try {
      producer =
          new KafkaProducer<>(
              Publishing.producerProps(parts.kafka(), config.transactionalPrefix(), b.modelId()),
              new StringSerializer(),
              versionSerde.serializer());
      producer.initTransactions();
      VersionLog log = VersionLog.read(versions, parts.topics().modelVersions(), READ_TIMEOUT);
      int version = log.highest(b.modelId()) + 1;
      String runId =
          clock.instant().toString().replaceAll("[^0-9]", "").substring(0, 14)
              + "-"
              + UUID.randomUUID().toString().substring(0, 8);
      ModelVersion parent = log.serving(b.modelId()).orElse(null);
      LOG.info(
          "Training {} version {} (run {}), answering {} request(s)",
          b.modelId(),
          version,
          runId,
          b.count());
      TrainingRun run = new TrainingRun(config, parts, index, prefetch, clock);
      var input =
          new TrainingRun.Input(
              b.modelId(),
              version,
              runId,
              b.requestId(),
              b.requestedAt(),
              parent,
              b.manual(),
              b.trigger());
      current =
          new Current(
              b,
              producer,
              log,
              version,
              runId,
              runner.submit(
                  () -> {
                    try (var m = MDC.putCloseable("modelId", b.modelId());
                        var r = MDC.putCloseable("runId", runId)) {
                      return run.run(
                          input,
                          (phase, epoch, max, tl, vl, quarantined) -> {
                            CrashPoints.progress(phase, epoch);
                            status.report(
                                b.modelId(),
                                version,
                                runId,
                                phase,
                                epoch,
                                max,
                                tl,
                                vl,
                                quarantined);
                          });
                    }
                  }));
    } catch (RuntimeException e) {
      if (producer != null) {
        producer.close(Duration.ZERO);
      }
      retryLater(b, e);
      requests.resume(intake.resumable());
    }
  }

  /**
   * Ends the current run: dropped when a rebalance moved its request, else committed by {@link
   * RunCommit} and completed by {@link AfterPublish}; a failed run, or a commit to run again, is
   * rewound and retried after {@code RETRY_DELAY}.
   */
  private void finish(Current c) {
    Pending.Batch b = c.batch();
    try (var producer = c.producer()) {
      if (commit.abandonIfRevoked(b, c.version(), c.runId())) {
        return;
      }
      ModelVersion v = c.result().get();
      CrashPoints.reached("after-artifacts");
      switch (commit.commit(producer, b, c.version(), c.runId(), v)) {
        case PUBLISHED -> {
          CrashPoints.reached("after-publish");
          consolidation.published(v);
          after.run(b.modelId(), c.version(), c.runId(), c.log(), v);
        }
        case RUN_AGAIN -> rewind(b);
        case LEFT -> {}
      }
    } catch (ExecutionException e) {
      retryLater(b, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      retryLater(b, e);
    }
  }

  private void retryLater(Pending.Batch b, Throwable e) {
    if (Failures.classify(e) == Failures.Disposition.RETRY) {
      LOG.warn("Training {} hit an outage; it will be retried: {}", b.modelId(), e.toString());
    } else {
      LOG.error(
          "Training {} failed; it will be retried on the next request or restart", b.modelId(), e);
    }
    rewind(b);
    status.report(b.modelId(), 0, "", Phase.RETRYING, 0, 0, Double.NaN, Double.NaN);
  }

  /** Seeks back to a batch's requests, to run them again after {@code RETRY_DELAY}. */
  private void rewind(Pending.Batch b) {
    pending.rewind(b).forEach(requests::seek);
    notBefore = clock.instant().plus(RETRY_DELAY);
  }

  /** Runs whose result was not published because this trainer was fenced or lost the request. */
  public int fencedRuns() {
    return commit.fenced();
  }

  /**
   * How many times a request could not be decoded (an outage) and was put back to be read again.
   */
  public int deferredReads() {
    return intake.deferred();
  }

  /** Whether the loop is still running. */
  public boolean isRunning() {
    return loop.isAlive();
  }

  /** Stops the loop; a run in progress is abandoned, unpublished. */
  @Override
  public void close() {
    running = false;
    requests.wakeup();
    try {
      loop.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runner.shutdownNow();
    try {
      if (runner.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        prefetch.close();
        index.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    status.close();
    registry.close();
  }
}
