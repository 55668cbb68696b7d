package dev.streamtune.ingest;

import dev.streamtune.digest.Sha256;
import dev.streamtune.store.LocalFiles;
import dev.streamtune.store.S3Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds ingest's local Kafka Streams state (the stores deciding new, relabel or duplicate) to what
 * it describes: the Kafka cluster, the bucket, and the changelog topics it was restored from.
 *
 * <p>The state of each cluster and bucket lives in a directory of its own, {@code
 * {ingest.state.dir}/{cluster id}/{bucket}-{digest of endpoint and bucket}}, so a worker pointed at
 * another cluster or bucket never reads state built for a different one, and switching back finds
 * its own. Beside the application's state a marker records the cluster id, endpoint, bucket and the
 * changelogs' topic ids; at start, state whose marker differs from the cluster's (a changelog
 * deleted or recreated, as a cluster restored from backup has them) or that has no marker is
 * discarded, saying why, and Kafka Streams rebuilds it from the changelogs; the process id is kept
 * ({@link #discard}), so the restarted worker still fences what a killed one left open. A changelog
 * that did not exist when the marker was written (the first start creates them) counts as
 * different, so the marker is written again once ingest runs ({@link #recorder}).
 */
final class StateBinding {
  private static final Logger LOG = LoggerFactory.getLogger(StateBinding.class);
  static final String ABSENT = "-";

  /** The file Kafka Streams keeps its process id in, in the application's state directory. */
  static final String PROCESS_FILE = "kafka-streams-process-metadata";

  private final Path root;
  private final String applicationId;
  private final S3Config s3;
  private final List<String> changelogs;
  private volatile CompletableFuture<Void> recording;

  /**
   * @param root the configured {@code ingest.state.dir}
   * @param applicationId the Kafka Streams application id
   * @param s3 the bucket the examples go to
   * @param changelogs the changelog topics of ingest's stores
   */
  StateBinding(Path root, String applicationId, S3Config s3, List<String> changelogs) {
    this.root = root.toAbsolutePath();
    this.applicationId = applicationId;
    this.s3 = s3;
    this.changelogs = List.copyOf(changelogs);
  }

  /**
   * Prepares the state directory for the cluster {@code admin} reaches: discards state that does
   * not match it and records what the state now belongs to.
   *
   * @return the directory to give Kafka Streams as {@code state.dir}
   */
  Path bind(Admin admin) {
    Map<String, String> current = identity(admin);
    Path dir = directory(root, current.get("cluster.id"), s3.endpoint(), s3.bucket());
    Path state = dir.resolve(applicationId);
    Map<String, String> recorded = read(marker(dir));
    mismatch(recorded, hasState(state), current)
        .ifPresent(
            why -> {
              LOG.warn(
                  "Discarding ingest's local state in {}: {}; Kafka Streams rebuilds it from the changelogs",
                  state,
                  why);
              discard(state);
            });
    write(marker(dir), current);
    return dir;
  }

  /**
   * A listener that, when ingest first runs (the changelogs exist by then), records the cluster's
   * identity again, off the stream thread; {@link #awaitRecorded} waits for it.
   *
   * @param dir the directory {@link #bind} returned
   * @param adminProps how to reach the cluster
   */
  KafkaStreams.StateListener recorder(Path dir, Map<String, Object> adminProps) {
    return (now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        startRecording(dir, adminProps);
      }
    };
  }

  private synchronized void startRecording(Path dir, Map<String, Object> adminProps) {
    if (recording != null) {
      return;
    }
    recording =
        CompletableFuture.runAsync(
                () -> {
                  try (Admin admin = Admin.create(adminProps)) {
                    write(marker(dir), identity(admin));
                  }
                })
            .exceptionally(
                e -> {
                  LOG.info(
                      "Could not record the changelogs ingest's state belongs to ({}); the next start rebuilds it",
                      (e.getCause() != null ? e.getCause() : e).toString());
                  return null;
                });
  }

  /** Waits for a recording {@link #recorder} started, if any. */
  void awaitRecorded() {
    CompletableFuture<Void> r = recording;
    if (r != null) {
      r.join();
    }
  }

  /**
   * Deletes the stores under {@code state} but keeps the Kafka Streams process id: the id is part
   * of each stream thread's transactional id, and only a producer with the same id aborts the open
   * transaction a killed worker left, which otherwise stalls its partitions for every
   * read-committed reader until the transaction times out.
   */
  static void discard(Path state) {
    if (!Files.isDirectory(state)) {
      return;
    }
    try (var entries = Files.list(state)) {
      entries.filter(StateBinding::isStoreEntry).forEach(LocalFiles::deleteTree);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot discard " + state, e);
    }
  }

  /**
   * Whether an entry of the application's state directory is state, not Kafka Streams' id or lock.
   */
  private static boolean isStoreEntry(Path entry) {
    String name = entry.getFileName().toString();
    return !name.equals(PROCESS_FILE) && !name.equals(".lock");
  }

  /** Where the state of one cluster and bucket lives under {@code root}. */
  static Path directory(Path root, String clusterId, URI endpoint, String bucket) {
    String digest = HexFormat.of().formatHex(sha256(endpoint + " " + bucket)).substring(0, 12);
    return root.resolve(clusterId.replaceAll("[^A-Za-z0-9_-]", "_")).resolve(bucket + "-" + digest);
  }

  /**
   * Why state recorded as {@code recorded} cannot be trusted for a cluster now described by {@code
   * current}; empty when it can.
   *
   * @param recorded the marker's entries, null when there is none
   * @param hasState whether there is state on disk
   * @param current the cluster's entries now
   */
  static Optional<String> mismatch(
      Map<String, String> recorded, boolean hasState, Map<String, String> current) {
    if (recorded == null) {
      return hasState
          ? Optional.of("it records no cluster, bucket or changelogs it belongs to")
          : Optional.empty();
    }
    TreeSet<String> keys = new TreeSet<>(recorded.keySet());
    keys.addAll(current.keySet());
    return keys.stream()
        .filter(k -> !Objects.equals(recorded.get(k), current.get(k)))
        .findFirst()
        .map(
            k ->
                "it belongs to "
                    + k
                    + " "
                    + show(recorded.get(k))
                    + ", the cluster has "
                    + show(current.get(k)));
  }

  private static String show(String value) {
    return value == null || value.equals(ABSENT) ? "none" : value;
  }

  private Map<String, String> identity(Admin admin) {
    Map<String, String> out = new TreeMap<>();
    try {
      out.put("cluster.id", admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
      out.put("s3.endpoint", s3.endpoint().toString());
      out.put("s3.bucket", s3.bucket());
      var described = admin.describeTopics(changelogs).topicNameValues();
      for (String topic : changelogs) {
        out.put("topic." + topic, topicId(described.get(topic)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted reading the Kafka cluster's identity", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot read the Kafka cluster's id and changelog topics", e);
    }
    return out;
  }

  private static String topicId(KafkaFuture<TopicDescription> f)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return f.get(30, TimeUnit.SECONDS).topicId().toString();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return ABSENT;
      }
      throw e;
    }
  }

  private Path marker(Path dir) {
    return dir.resolve(applicationId + ".binding");
  }

  private static boolean hasState(Path state) {
    try (var files = Files.list(state)) {
      return files.anyMatch(StateBinding::isStoreEntry);
    } catch (IOException e) {
      return Files.exists(state);
    }
  }

  private static Map<String, String> read(Path marker) {
    if (!Files.exists(marker)) {
      return null;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(marker)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + marker, e);
    }
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  private static void write(Path marker, Map<String, String> entries) {
    Properties p = new Properties();
    p.putAll(entries);
    try {
      Files.createDirectories(marker.getParent());
      Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        p.store(
            out, "What ingest's local state belongs to; state that does not match is discarded");
      }
      Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + marker, e);
    }
  }

  private static byte[] sha256(String s) {
    return Sha256.of(s);
  }
}
