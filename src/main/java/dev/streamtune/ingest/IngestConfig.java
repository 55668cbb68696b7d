package dev.streamtune.ingest;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import dev.streamtune.events.Names;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of the ingest role.
 *
 * @param applicationId Kafka Streams application id (consumer group, internal topic prefix)
 * @param maxImageBytes largest image accepted, inline or by reference
 * @param maxPixels largest pixel count accepted, read from the header
 * @param refBuckets buckets an {@code ImageRef} may point into
 * @param threshold new examples per model that trigger a training
 * @param thresholdOverrides per-model thresholds
 * @param minExamples fewest new examples for a scheduled training
 * @param maxDelay longest a model with enough new examples waits before a scheduled training; zero
 *     turns the schedule off
 * @param scheduleCheck how often the schedule is checked
 * @param storageRetry how long storage calls are retried before the task fails and restarts
 * @param stateDir Kafka Streams state directory, under which each cluster and bucket has its own
 *     (see {@code StateBinding})
 * @param threads stream threads
 * @param storeWriters object-storage writes in flight at once; 0 writes inline
 * @param sessionTimeout how long the group waits for a silent instance before its tasks move on
 * @param maxAttributes most attributes an event may carry
 * @param maxMetadataBytes largest object metadata (event id, capture time and attributes, as S3
 *     counts it) an event may need
 */
public record IngestConfig(
    String applicationId,
    long maxImageBytes,
    long maxPixels,
    Set<String> refBuckets,
    int threshold,
    Map<String, Integer> thresholdOverrides,
    int minExamples,
    Duration maxDelay,
    Duration scheduleCheck,
    Duration storageRetry,
    Path stateDir,
    int threads,
    int storeWriters,
    Duration sessionTimeout,
    int maxAttributes,
    int maxMetadataBytes) {

  /** Application id. */
  public static final Setting<String> APPLICATION_ID =
      Setting.string(
          "ingest.application.id", "streamtune-ingest", "Kafka Streams application id of ingest");

  /** Image size limit. */
  public static final Setting<Integer> MAX_IMAGE_KIB =
      Setting.integer(
          "ingest.max.image.kib", 10 * 1024, 1, 1024 * 1024, "largest image accepted, in KiB");

  /** Pixel limit. */
  public static final Setting<Integer> MAX_MEGAPIXELS =
      Setting.integer(
          "ingest.max.megapixels",
          40,
          1,
          1000,
          "largest image accepted, in megapixels, read from the header");

  /** Allowed ref buckets. */
  public static final Setting<String> REF_BUCKETS =
      Setting.string(
          "ingest.ref.buckets", "streamtune", "comma-separated buckets an ImageRef may point into");

  /** Threshold. */
  public static final Setting<Integer> THRESHOLD =
      Setting.integer(
          "ingest.threshold", 100, 1, 10_000_000, "new examples per model that trigger a training");

  /** Per-model thresholds. */
  public static final Setting<String> THRESHOLD_OVERRIDES =
      new Setting<>(
          "ingest.threshold.overrides",
          "per-model thresholds, model=n,model=n",
          "",
          s -> s,
          IngestConfig::validOverrides,
          "must be model=n pairs separated by commas",
          false,
          false);

  /** Minimum for the schedule. */
  public static final Setting<Integer> MIN_EXAMPLES =
      Setting.integer(
          "ingest.schedule.min.examples",
          10,
          1,
          10_000_000,
          "fewest new examples for a scheduled training");

  /** Max delay. */
  public static final Setting<Duration> MAX_DELAY =
      Setting.duration(
          "ingest.schedule.max.delay",
          Duration.ofMinutes(30),
          "longest wait before a scheduled training; 0 turns the schedule off");

  /** Check interval. */
  public static final Setting<Duration> SCHEDULE_CHECK =
      Setting.duration(
              "ingest.schedule.check", Duration.ofSeconds(30), "how often the schedule is checked")
          .must(d -> !d.isZero(), "must be positive");

  /** Storage retry budget. */
  public static final Setting<Duration> STORAGE_RETRY =
      Setting.duration(
          "ingest.storage.retry",
          Duration.ofSeconds(60),
          "how long storage calls are retried before the task restarts from its last commit");

  /** State dir. */
  public static final Setting<Path> STATE_DIR =
      Setting.path(
          "ingest.state.dir",
          "~/.streamtune/state",
          "Kafka Streams state directory; the state of each Kafka cluster and bucket is kept under "
              + "{cluster id}/{bucket}-{digest}, and state that does not match its cluster, bucket or changelogs is "
              + "discarded and rebuilt");

  /** Threads. */
  public static final Setting<Integer> THREADS =
      Setting.integer("ingest.threads", 2, 1, 64, "stream threads");

  /** Concurrent storage writes. */
  public static final Setting<Integer> STORE_WRITERS =
      Setting.integer(
          "ingest.store.writers",
          8,
          0,
          256,
          "object-storage writes in flight at once (0 writes inline); a commit waits for them all");

  /** Session timeout. */
  public static final Setting<Duration> SESSION_TIMEOUT =
      Setting.duration(
              "ingest.session.timeout",
              Duration.ofSeconds(45),
              "how long the group waits for a crashed or cut-off instance before its tasks move to "
                  + "another (the broker allows 6s to 5m by default)")
          .must(d -> d.toMillis() >= 1000, "must be at least 1s");

  /** Attribute count limit. */
  public static final Setting<Integer> MAX_ATTRIBUTES =
      Setting.integer(
          "ingest.max.attributes",
          32,
          0,
          256,
          "most attributes an event may carry; more is dead-lettered (TOO_MANY_ATTRIBUTES)");

  /** Metadata size limit. */
  public static final Setting<Integer> MAX_METADATA_BYTES =
      Setting.integer(
          "ingest.max.metadata.bytes",
          1536,
          128,
          1800,
          "largest object metadata (x-amz-meta- names and values of event id, capture time and attributes) "
              + "an event may need, under S3's 2 KiB; more is dead-lettered (ATTRIBUTES_TOO_LARGE)");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          APPLICATION_ID,
          MAX_IMAGE_KIB,
          MAX_MEGAPIXELS,
          REF_BUCKETS,
          THRESHOLD,
          THRESHOLD_OVERRIDES,
          MIN_EXAMPLES,
          MAX_DELAY,
          SCHEDULE_CHECK,
          STORAGE_RETRY,
          STATE_DIR,
          THREADS,
          STORE_WRITERS,
          SESSION_TIMEOUT,
          MAX_ATTRIBUTES,
          MAX_METADATA_BYTES);

  /** Checks and copies the values. */
  public IngestConfig {
    Objects.requireNonNull(applicationId, "applicationId");
    refBuckets = Set.copyOf(refBuckets);
    thresholdOverrides = Map.copyOf(thresholdOverrides);
    if (threshold < 1 || minExamples < 1 || maxImageBytes < 1 || maxPixels < 1 || threads < 1) {
      throw new IllegalArgumentException("limits, thresholds and threads must be positive");
    }
    if (maxAttributes < 0 || maxMetadataBytes < 128 || maxMetadataBytes > 1800) {
      throw new IllegalArgumentException(
          "maxAttributes must be >= 0 and maxMetadataBytes 128-1800");
    }
  }

  /** Reads the settings. */
  public static IngestConfig from(ConfigSource s) {
    return new IngestConfig(
        s.get(APPLICATION_ID),
        s.get(MAX_IMAGE_KIB) * 1024L,
        s.get(MAX_MEGAPIXELS) * 1_000_000L,
        Arrays.stream(s.get(REF_BUCKETS).split(","))
            .map(String::trim)
            .filter(b -> !b.isEmpty())
            .collect(Collectors.toSet()),
        s.get(THRESHOLD),
        parseOverrides(s.get(THRESHOLD_OVERRIDES)),
        s.get(MIN_EXAMPLES),
        s.get(MAX_DELAY),
        s.get(SCHEDULE_CHECK),
        s.get(STORAGE_RETRY),
        s.get(STATE_DIR),
        s.get(THREADS),
        s.get(STORE_WRITERS),
        s.get(SESSION_TIMEOUT),
        s.get(MAX_ATTRIBUTES),
        s.get(MAX_METADATA_BYTES));
  }

  /** The defaults. */
  public static IngestConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /** The threshold of one model. */
  public int thresholdOf(String modelId) {
    return thresholdOverrides.getOrDefault(modelId, threshold);
  }

  /** A copy with other trigger settings. */
  public IngestConfig withTriggers(int newThreshold, int newMinExamples, Duration newMaxDelay) {
    return new IngestConfig(
        applicationId,
        maxImageBytes,
        maxPixels,
        refBuckets,
        newThreshold,
        thresholdOverrides,
        newMinExamples,
        newMaxDelay,
        scheduleCheck,
        storageRetry,
        stateDir,
        threads,
        storeWriters,
        sessionTimeout,
        maxAttributes,
        maxMetadataBytes);
  }

  /** A copy with another application id and state directory. */
  public IngestConfig withApplication(String id, Path dir) {
    return new IngestConfig(
        id,
        maxImageBytes,
        maxPixels,
        refBuckets,
        threshold,
        thresholdOverrides,
        minExamples,
        maxDelay,
        scheduleCheck,
        storageRetry,
        dir,
        threads,
        storeWriters,
        sessionTimeout,
        maxAttributes,
        maxMetadataBytes);
  }

  /** A copy reading ImageRefs from other buckets, retrying storage for another budget. */
  public IngestConfig withStorage(Set<String> buckets, Duration retry) {
    return new IngestConfig(
        applicationId,
        maxImageBytes,
        maxPixels,
        buckets,
        threshold,
        thresholdOverrides,
        minExamples,
        maxDelay,
        scheduleCheck,
        retry,
        stateDir,
        threads,
        storeWriters,
        sessionTimeout,
        maxAttributes,
        maxMetadataBytes);
  }

  /** A copy with another number of stream threads. */
  public IngestConfig withThreads(int n) {
    return new IngestConfig(
        applicationId,
        maxImageBytes,
        maxPixels,
        refBuckets,
        threshold,
        thresholdOverrides,
        minExamples,
        maxDelay,
        scheduleCheck,
        storageRetry,
        stateDir,
        n,
        storeWriters,
        sessionTimeout,
        maxAttributes,
        maxMetadataBytes);
  }

  /** A copy with another number of concurrent storage writes. */
  public IngestConfig withStoreWriters(int n) {
    return new IngestConfig(
        applicationId,
        maxImageBytes,
        maxPixels,
        refBuckets,
        threshold,
        thresholdOverrides,
        minExamples,
        maxDelay,
        scheduleCheck,
        storageRetry,
        stateDir,
        threads,
        n,
        sessionTimeout,
        maxAttributes,
        maxMetadataBytes);
  }

  /** A copy with other attribute limits. */
  public IngestConfig withAttributeLimits(int newMaxAttributes, int newMaxMetadataBytes) {
    return new IngestConfig(
        applicationId,
        maxImageBytes,
        maxPixels,
        refBuckets,
        threshold,
        thresholdOverrides,
        minExamples,
        maxDelay,
        scheduleCheck,
        storageRetry,
        stateDir,
        threads,
        storeWriters,
        sessionTimeout,
        newMaxAttributes,
        newMaxMetadataBytes);
  }

  private static boolean validOverrides(String s) {
    try {
      parseOverrides(s);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Map<String, Integer> parseOverrides(String s) {
    Map<String, Integer> out = new HashMap<>();
    for (String pair : s.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.split("=", 2);
      int n = Integer.parseInt(kv[1].trim());
      if (n < 1 || !Names.valid(kv[0].trim())) {
        throw new IllegalArgumentException(pair);
      }
      out.put(kv[0].trim(), n);
    }
    return out;
  }
}
