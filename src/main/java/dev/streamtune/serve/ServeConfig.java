package dev.streamtune.serve;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 */
public record ServeConfig(int port, Set<String> models, int maxBodyBytes, int topK, int threads, Path cacheDir,
    long maxPixels, String authToken) {
  /** Port. */
  public static final Setting<Integer> PORT = Setting.port("serve.port", 8080, "HTTP port of serve");
  /** Models. */
  public static final Setting<String> MODELS = Setting.string("serve.models", "*",
      "comma-separated models to serve (readiness waits for each); * serves every model announced");
  /** Body limit. */
  public static final Setting<Integer> MAX_BODY_KIB = Setting.integer("serve.max.body.kib", 10 * 1024, 1,
      1024 * 1024, "largest classify request body, in KiB");
  /** Top k. */
  public static final Setting<Integer> TOP_K = Setting.integer("serve.top.k", 5, 1, 1000,
      "labels returned per classification");
  /** Threads. */
  public static final Setting<Integer> THREADS = Setting.integer("serve.threads", 8, 1, 1024,
      "HTTP worker threads");
  /** Cache dir. */
  public static final Setting<Path> CACHE_DIR = Setting.path("serve.cache.dir", "~/.streamtune/serving",
      "where loaded versions are downloaded");
  /** Pixel limit. */
  public static final Setting<Integer> MAX_MEGAPIXELS = Setting.integer("serve.max.megapixels", 40, 1, 1000,
      "largest image classified, in megapixels, read from its header");

  /** Bearer token. */
  public static final Setting<String> AUTH_TOKEN = Setting.string("serve.auth.token", null,
          "bearer token demanded by classify and the data endpoints (health, readiness and /metrics stay open); "
          + "none by default")
      .must(t -> t.length() >= 16 && t.chars().allMatch(c -> c > 0x20 && c < 0x7f),
          "must be at least 16 printable ASCII characters without spaces")
      .asSecret().asOptional();

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS = List.of(PORT, MODELS, MAX_BODY_KIB, TOP_K, THREADS, CACHE_DIR,
      MAX_MEGAPIXELS, AUTH_TOKEN);

  /** A config without a token. */
  public ServeConfig(int port, Set<String> models, int maxBodyBytes, int topK, int threads, Path cacheDir,
      long maxPixels) {
    this(port, models, maxBodyBytes, topK, threads, cacheDir, maxPixels, null);
  }

  /** Reads the settings. */
  public static ServeConfig from(ConfigSource s) {
    String models = s.get(MODELS).trim();
    Set<String> set = models.equals("*") ? Set.of()
        : Arrays.stream(models.split(",")).map(String::trim).filter(m -> !m.isEmpty()).collect(Collectors.toSet());
    return new ServeConfig(s.get(PORT), set, s.get(MAX_BODY_KIB) * 1024, s.get(TOP_K), s.get(THREADS),
        s.get(CACHE_DIR), s.get(MAX_MEGAPIXELS) * 1_000_000L, s.get(AUTH_TOKEN));
  }

  /** The defaults. */
  public static ServeConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /** A copy with another port, models and cache directory. */
  public ServeConfig with(int newPort, Set<String> newModels, Path newCacheDir) {
    return new ServeConfig(newPort, Set.copyOf(newModels), maxBodyBytes, topK, threads, newCacheDir, maxPixels,
        authToken);
  }

  /** A copy demanding this bearer token, or none when null. */
  public ServeConfig withAuthToken(String token) {
    return new ServeConfig(port, models, maxBodyBytes, topK, threads, cacheDir, maxPixels, token);
  }

  @Override
  public String toString() {
    return "ServeConfig[port=" + port + ", models=" + models + ", maxBodyBytes=" + maxBodyBytes + ", topK=" + topK
        + ", threads=" + threads + ", cacheDir=" + cacheDir + ", maxPixels=" + maxPixels + ", auth="
        + (authToken == null ? "off" : "bearer token") + "]";
  }

  /** Whether a model is served. */
  public boolean serves(String modelId) {
    return models.isEmpty() || models.contains(modelId);
  }
}
