package dev.streamtune.serve;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of the serve role.
 *
 * @param port HTTP port (0 picks a free one)
 * @param models the models to serve; empty serves every model announced
 * @param maxBodyBytes the largest request body accepted
 * @param topK labels returned per classification
 * @param threads HTTP worker threads
 * @param cacheDir where downloaded versions are kept while they are loaded
 * @param maxPixels the largest image accepted, in pixels, read from its header
 * @param authToken the bearer token that classify, the model and dashboard data endpoints demand,
 *     or null for none; a secret, read only from the environment or a file
 * @param bind the address listened on: {@code serve.bind}, else {@code 0.0.0.0} when a token is set
 *     and {@code 127.0.0.1} when not
 * @param readTimeout how long a client has to send a whole request, headers and body
 * @param maxConcurrent classifications at once, from reading the body to the answer
 * @param maxStuck how long the model subscriber may fail to follow {@code models.versions} before
 *     readiness fails
 * @param predictions what it publishes of its classifications ({@link PredictionConfig})
 * @param challenger whether it tries new versions on live traffic first ({@link ChallengerConfig})
 */
public record ServeConfig(
    int port,
    Set<String> models,
    int maxBodyBytes,
    int topK,
    int threads,
    Path cacheDir,
    long maxPixels,
    String authToken,
    String bind,
    Duration readTimeout,
    int maxConcurrent,
    Duration maxStuck,
    PredictionConfig predictions,
    ChallengerConfig challenger) {
  /** Port. */
  public static final Setting<Integer> PORT =
      Setting.port("serve.port", 8080, "HTTP port of serve");

  /** Models. */
  public static final Setting<String> MODELS =
      Setting.string(
          "serve.models",
          "*",
          "comma-separated models to serve (readiness waits for each); * serves every model announced");

  /** Body limit. */
  public static final Setting<Integer> MAX_BODY_KIB =
      Setting.integer(
          "serve.max.body.kib", 10 * 1024, 1, 1024 * 1024, "largest classify request body, in KiB");

  /** Top k. */
  public static final Setting<Integer> TOP_K =
      Setting.integer("serve.top.k", 5, 1, 1000, "labels returned per classification");

  /** Threads. */
  public static final Setting<Integer> THREADS =
      Setting.integer("serve.threads", 8, 1, 1024, "HTTP worker threads");

  /** Cache dir. */
  public static final Setting<Path> CACHE_DIR =
      Setting.path(
          "serve.cache.dir", "~/.streamtune/serving", "where loaded versions are downloaded");

  /** Pixel limit. */
  public static final Setting<Integer> MAX_MEGAPIXELS =
      Setting.integer(
          "serve.max.megapixels",
          40,
          1,
          1000,
          "largest image classified, in megapixels, read from its header");

  /** Bearer token. */
  public static final Setting<String> AUTH_TOKEN =
      Setting.string(
              "serve.auth.token",
              null,
              "bearer token demanded by classify and the data endpoints (health, readiness and /metrics stay open); "
                  + "none by default")
          .must(
              t -> t.length() >= 16 && t.chars().allMatch(c -> c > 0x20 && c < 0x7f),
              "must be at least 16 printable ASCII characters without spaces")
          .asSecret()
          .asOptional();

  /** Bind address. */
  public static final Setting<String> BIND =
      Setting.string(
              "serve.bind",
              null,
              "address serve listens on; by default 127.0.0.1 (this host only) when serve.auth.token is not set and "
                  + "0.0.0.0 (every interface) when it is; the container image sets 0.0.0.0")
          .must(a -> a.matches("[A-Za-z0-9.:%_-]{1,255}"), "must be a host name or an IP address")
          .asOptional();

  /** Read timeout. */
  public static final Setting<Duration> READ_TIMEOUT =
      Setting.duration(
              "serve.read.timeout",
              Duration.ofSeconds(10),
              "time a client has to send a whole request, headers and body; a slower one is answered 408 or cut off, "
                  + "so it holds no HTTP thread longer")
          .must(
              d -> d.toMillis() >= 100 && d.compareTo(Duration.ofMinutes(10)) <= 0,
              "must be from 100ms to 10m");

  /** Concurrency limit. */
  public static final Setting<Integer> MAX_CONCURRENT =
      Setting.integer(
          "serve.max.concurrent",
          4,
          1,
          1024,
          "classifications at once, from reading the body to the answer; more are answered 503 with Retry-After: 1");

  /** Stuck limit. */
  public static final Setting<Duration> MAX_STUCK =
      Setting.duration(
          "serve.subscriber.max.stuck",
          Duration.ofMinutes(2),
          "how long the model subscriber may fail to read models.versions (registry, broker "
              + "or storage outage) before /readyz answers 503; it keeps retrying, and /healthz fails only if it "
              + "stopped for good");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      java.util.stream.Stream.concat(
              java.util.stream.Stream.of(
                  PORT,
                  MODELS,
                  MAX_BODY_KIB,
                  TOP_K,
                  THREADS,
                  CACHE_DIR,
                  MAX_MEGAPIXELS,
                  AUTH_TOKEN,
                  BIND,
                  READ_TIMEOUT,
                  MAX_CONCURRENT,
                  MAX_STUCK),
              java.util.stream.Stream.concat(
                  PredictionConfig.SETTINGS.stream(), ChallengerConfig.SETTINGS.stream()))
          .toList();

  /** Checks the values and derives the bind address from the token when none is given. */
  public ServeConfig {
    models = Set.copyOf(models);
    bind = bind != null ? bind : authToken == null ? "127.0.0.1" : "0.0.0.0";
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(maxStuck, "maxStuck");
    Objects.requireNonNull(predictions, "predictions");
    Objects.requireNonNull(challenger, "challenger");
    if (maxConcurrent < 1 || threads < 1) {
      throw new IllegalArgumentException("maxConcurrent and threads must be at least 1");
    }
  }

  /** Reads the settings. */
  public static ServeConfig from(ConfigSource s) {
    String models = s.get(MODELS).trim();
    Set<String> set =
        models.equals("*")
            ? Set.of()
            : Arrays.stream(models.split(","))
                .map(String::trim)
                .filter(m -> !m.isEmpty())
                .collect(Collectors.toSet());
    return new ServeConfig(
        s.get(PORT),
        set,
        s.get(MAX_BODY_KIB) * 1024,
        s.get(TOP_K),
        s.get(THREADS),
        s.get(CACHE_DIR),
        s.get(MAX_MEGAPIXELS) * 1_000_000L,
        s.get(AUTH_TOKEN),
        s.get(BIND),
        s.get(READ_TIMEOUT),
        s.get(MAX_CONCURRENT),
        s.get(MAX_STUCK),
        PredictionConfig.from(s),
        ChallengerConfig.from(s));
  }

  /** Whether it listens only on a loopback address, where no other host can reach it. */
  public boolean loopbackOnly() {
    return bind.equals("localhost") || bind.startsWith("127.") || bind.equals("::1");
  }

  /** The defaults. */
  public static ServeConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /** A copy with another port, models and cache directory. */
  public ServeConfig with(int newPort, Set<String> newModels, Path newCacheDir) {
    Draft d = new Draft(this);
    d.port = newPort;
    d.models = newModels;
    d.cacheDir = newCacheDir;
    return d.build();
  }

  /**
   * A copy demanding this bearer token, or none when null, on the same bind address: a token never
   * widens where serve listens, and an explicit {@code serve.bind} is kept.
   */
  public ServeConfig withAuthToken(String token) {
    Draft d = new Draft(this);
    d.authToken = token;
    return d.build();
  }

  /** A copy that publishes its classifications as {@code predictions} says. */
  public ServeConfig withPredictions(PredictionConfig newPredictions) {
    Draft d = new Draft(this);
    d.predictions = newPredictions;
    return d.build();
  }

  /** A copy that runs challengers as {@code challenger} says. */
  public ServeConfig withChallenger(ChallengerConfig newChallenger) {
    Draft d = new Draft(this);
    d.challenger = newChallenger;
    return d.build();
  }

  @Override
  public String toString() {
    return "ServeConfig[port="
        + port
        + ", models="
        + models
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", topK="
        + topK
        + ", threads="
        + threads
        + ", cacheDir="
        + cacheDir
        + ", maxPixels="
        + maxPixels
        + ", auth="
        + (authToken == null ? "off" : "bearer token")
        + ", bind="
        + bind
        + ", readTimeout="
        + readTimeout
        + ", maxConcurrent="
        + maxConcurrent
        + ", maxStuck="
        + maxStuck
        + ", predictions="
        + predictions
        + ", challenger="
        + challenger
        + "]";
  }

  /** Whether a model is served. */
  public boolean serves(String modelId) {
    return models.isEmpty() || models.contains(modelId);
  }

  /** The components of a copy being changed; the one place that lists them all in order. */
  private static final class Draft {
    private int port;
    private Set<String> models;
    private final int maxBodyBytes;
    private final int topK;
    private final int threads;
    private Path cacheDir;
    private final long maxPixels;
    private String authToken;
    private final String bind;
    private final Duration readTimeout;
    private final int maxConcurrent;
    private final Duration maxStuck;
    private PredictionConfig predictions;
    private ChallengerConfig challenger;

    Draft(ServeConfig from) {
      port = from.port;
      models = from.models;
      maxBodyBytes = from.maxBodyBytes;
      topK = from.topK;
      threads = from.threads;
      cacheDir = from.cacheDir;
      maxPixels = from.maxPixels;
      authToken = from.authToken;
      bind = from.bind;
      readTimeout = from.readTimeout;
      maxConcurrent = from.maxConcurrent;
      maxStuck = from.maxStuck;
      predictions = from.predictions;
      challenger = from.challenger;
    }

    ServeConfig build() {
      return new ServeConfig(
          port,
          models,
          maxBodyBytes,
          topK,
          threads,
          cacheDir,
          maxPixels,
          authToken,
          bind,
          readTimeout,
          maxConcurrent,
          maxStuck,
          predictions,
          challenger);
    }
  }
}
