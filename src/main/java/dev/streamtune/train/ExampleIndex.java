package dev.streamtune.train;

import dev.streamtune.events.ExampleIndexEntry;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.store.ObjectStore;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trainer's index of each model's examples, so that a run reads what changed since the last one
 * instead of listing the bucket: a file per model in the trainer's work directory, brought up to
 * date from the model's partition of {@code examples.index} ({@link ExampleIndexEntry}), which
 * ingest writes in the transaction that stores each example.
 *
 * <p>The bucket stays the truth. An index is rebuilt from a full listing ({@link Dataset#list})
 * when it is missing (a new trainer, a lost disk), when it was built on another Kafka cluster,
 * another {@code examples.index} topic (one recreated has a new id) or another bucket, when the
 * topic no longer holds the records after its offset (the topic was recreated, or compacted past a
 * tombstone it missed), and once it is older than {@code train.index.relist}, and for a {@code
 * MANUAL} request (so anything changed in the bucket behind ingest's back is picked up, at once
 * when a person asks). The offset is taken before the listing, so no example stored meanwhile is
 * missed: its record comes after the offset, and applying it again is harmless. Only committed
 * records are read, so a fenced ingest instance's aborted write never enters. Of two records of one
 * image, the higher label revision wins; a tombstone (an erasure) removes it.
 *
 * <p>Used by one run at a time; the consumer is assigned, never in a group.
 */
final class ExampleIndex implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExampleIndex.class);
  private static final String HEADER = "# streamtune example index 2";
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final ObjectStore store;
  private final Path dir;
  private final Duration relist;
  private final Clock clock;

  /** A model's index: where in the topic it is, when it was listed, and each image. */
  private record State(
      String binding,
      int partition,
      long offset,
      long listedAt,
      Map<String, Dataset.Example> examples,
      Map<String, Long> revisions) {}

  /** What {@link #dataset} did, for tests and logs. */
  enum Source {
    /** Listed the bucket. */
    LISTED,
    /** Read the topic after the index's offset. */
    FOLLOWED
  }

  private Source last;
  private final KafkaConfig kafka;
  private String binding;

  ExampleIndex(
      KafkaConfig kafka, String topic, ObjectStore store, Path dir, Duration relist, Clock clock) {
    Map<String, Object> props = kafka.readCommittedConsumerProps();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    this.kafka = kafka;
    this.topic = topic;
    this.store = store;
    this.dir = dir;
    this.relist = relist;
    this.clock = clock;
  }

  /**
   * A model's current examples, split; {@code conflict} is told of each label conflict a listing
   * finds.
   *
   * @param list list the bucket whatever the index's age (a person asked for this run)
   */
  synchronized Dataset dataset(
      String modelId, Dataset.Holdout holdout, boolean list, Runnable conflict) {
    TopicPartition tp = partition(modelId);
    List<TopicPartition> one = List.of(tp);
    long end = consumer.endOffsets(one, READ_TIMEOUT).get(tp);
    long begin = consumer.beginningOffsets(one, READ_TIMEOUT).get(tp);
    Optional<State> saved = load(modelId);
    String bound = binding();
    String why =
        list
            ? "a manual request"
            : saved.isEmpty()
                ? "no index"
                : !saved.get().binding().equals(bound)
                    ? "the index describes another cluster, topic or bucket"
                    : saved.get().partition() != tp.partition()
                        ? "the topic's partitions changed"
                        : saved.get().offset() > end || saved.get().offset() < begin
                            ? "the topic no longer holds its offset " + saved.get().offset()
                            : clock.millis() - saved.get().listedAt() >= relist.toMillis()
                                ? "listed more than " + relist + " ago"
                                : null;
    State state;
    if (why != null) {
      LOG.info("Listing the examples of model {} ({})", modelId, why);
      Dataset listed = Dataset.list(store, modelId, holdout, conflict);
      Map<String, Dataset.Example> examples = new TreeMap<>();
      listed.examples().forEach(e -> examples.put(e.sha256(), e));
      state = new State(bound, tp.partition(), end, clock.millis(), examples, new TreeMap<>());
      last = Source.LISTED;
    } else {
      state = follow(modelId, tp, saved.get(), end);
      last = Source.FOLLOWED;
    }
    save(modelId, state);
    return Dataset.of(modelId, new ArrayList<>(state.examples().values()), holdout);
  }

  /**
   * Where the model's partition of {@code examples.index} ends (its last stable offset): it moves
   * when any model of the partition gets an example, so an unchanged end means no new example.
   */
  synchronized long end(String modelId) {
    TopicPartition tp = partition(modelId);
    return consumer.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
  }

  private TopicPartition partition(String modelId) {
    return new TopicPartition(
        topic, ExampleIndexEntry.partition(modelId, consumer.partitionsFor(topic).size()));
  }

  /** How the last {@link #dataset} got its examples. */
  synchronized Source lastSource() {
    return last;
  }

  private State follow(String modelId, TopicPartition tp, State s, long end) {
    consumer.assign(List.of(tp));
    consumer.seek(tp, s.offset());
    String prefix = modelId + "/";
    long deadline = clock.millis() + READ_TIMEOUT.toMillis();
    while (consumer.position(tp) < end) {
      if (clock.millis() > deadline) {
        throw new TimeoutException(
            "Could not read " + tp + " up to offset " + end + " in " + READ_TIMEOUT);
      }
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.key() == null || !r.key().startsWith(prefix)) {
          continue;
        }
        ExampleIndexEntry.parse(r.key(), r.value()).ifPresent(e -> apply(s, e));
      }
    }
    long at = consumer.position(tp);
    consumer.unsubscribe();
    return new State(s.binding(), s.partition(), at, s.listedAt(), s.examples(), s.revisions());
  }

  private static void apply(State s, ExampleIndexEntry e) {
    if (e.isErasure()) {
      s.examples().remove(e.sha256());
      s.revisions().remove(e.sha256());
      return;
    }
    Long known = s.revisions().get(e.sha256());
    if (known != null && known > e.revision()) {
      return;
    }
    s.examples().put(e.sha256(), new Dataset.Example(e.sha256(), e.label(), e.key()));
    s.revisions().put(e.sha256(), e.revision());
  }

  /**
   * What an index is bound to: the Kafka cluster's id, the topic's id (a recreated topic has
   * another) and the bucket; read once.
   */
  private String binding() {
    if (binding == null) {
      try (Admin admin = Admin.create(kafka.clientProps())) {
        String cluster = admin.describeCluster().clusterId().get(60, TimeUnit.SECONDS);
        String topicId =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(60, TimeUnit.SECONDS)
                .get(topic)
                .topicId()
                .toString();
        binding = cluster + "/" + topicId + "/" + store.bucket();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted reading the cluster's id", e);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("Cannot read the cluster's id and " + topic + "'s id", e);
      }
    }
    return binding;
  }

  private Path file(String modelId) {
    return dir.resolve(modelId + ".index");
  }

  private Optional<State> load(String modelId) {
    try (BufferedReader r = Files.newBufferedReader(file(modelId), StandardCharsets.UTF_8)) {
      String[] head = r.readLine().split("\t");
      if (!head[0].equals(HEADER)) {
        return Optional.empty();
      }
      Map<String, Dataset.Example> examples = new TreeMap<>();
      Map<String, Long> revisions = new TreeMap<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split("\t", 4);
        examples.put(f[0], new Dataset.Example(f[0], f[1], f[3]));
        long revision = Long.parseLong(f[2]);
        if (revision >= 0) {
          revisions.put(f[0], revision);
        }
      }
      return Optional.of(
          new State(
              head[4],
              Integer.parseInt(head[1]),
              Long.parseLong(head[2]),
              Long.parseLong(head[3]),
              examples,
              revisions));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.warn("The example index of model {} is unreadable, so it is rebuilt: {}", modelId, e);
      return Optional.empty();
    }
  }

  private void save(String modelId, State s) {
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, modelId, ".tmp");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write(
            String.join(
                    "\t",
                    HEADER,
                    Integer.toString(s.partition()),
                    Long.toString(s.offset()),
                    Long.toString(s.listedAt()),
                    s.binding())
                + "\n");
        for (Dataset.Example e : s.examples().values()) {
          long revision = s.revisions().getOrDefault(e.sha256(), -1L);
          w.write(e.sha256() + "\t" + e.label() + "\t" + revision + "\t" + e.key() + "\n");
        }
      }
      Files.move(
          tmp, file(modelId), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not save the example index of model " + modelId, e);
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
