package dev.streamtune.events;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to reach and use a Confluent-compatible schema registry.
 *
 * @param url base URL, such as {@code http://127.0.0.1:8081}
 * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, or null; a secret, taken only
 *     from the environment or a file
 * @param autoRegister whether serializers register missing schemas (dev) or only look them up
 *     (production, where {@code streamtune schemas register} runs once)
 * @param subjectStrategy how subjects are named
 * @param timeout per-request timeout
 * @param retries retries after a 5xx answer or a connection error; 4xx answers are not retried
 * @param retryBackoff first wait before a retry; it doubles each time, up to 5 s
 */
public record RegistryConfig(
    URI url,
    String basicAuthUserInfo,
    boolean autoRegister,
    SubjectNameStrategy subjectStrategy,
    Duration timeout,
    int retries,
    Duration retryBackoff) {

  /** The registry's base URL. */
  public static final Setting<URI> URL =
      Setting.httpUrl(
          "schema.registry.url",
          "http://127.0.0.1:8081",
          "Schema Registry base URL (Confluent, Apicurio ccompat, Karapace or the embedded one)");

  /** Basic-auth credentials. */
  public static final Setting<String> USER_INFO =
      Setting.string(
              "schema.registry.basic.auth.user.info", null, "user:password for registry basic auth")
          .must(s -> s.indexOf(':') > 0, "must be user:password")
          .asSecret()
          .asOptional();

  /** Auto-register. */
  public static final Setting<Boolean> AUTO_REGISTER =
      Setting.bool(
          "schema.registry.auto.register",
          true,
          "register missing schemas when producing (turn off in production)");

  /** Subject naming. */
  public static final Setting<SubjectNameStrategy> SUBJECT_STRATEGY =
      Setting.oneOf(
          "schema.registry.subject.strategy",
          SubjectNameStrategy.class,
          SubjectNameStrategy.TOPIC_NAME,
          "subject naming: TOPIC_NAME, RECORD_NAME or TOPIC_RECORD_NAME");

  /** Request timeout. */
  public static final Setting<Duration> TIMEOUT =
      Setting.duration(
              "schema.registry.timeout", Duration.ofSeconds(10), "timeout of one registry request")
          .must(d -> !d.isZero(), "must be positive");

  /** Retries. */
  public static final Setting<Integer> RETRIES =
      Setting.integer(
          "schema.registry.retries", 5, 0, 100, "retries after a 5xx answer or a connection error");

  /** Backoff. */
  public static final Setting<Duration> RETRY_BACKOFF =
      Setting.duration(
          "schema.registry.retry.backoff",
          Duration.ofMillis(200),
          "first wait before a retry; doubles up to 5s");

  /** Every setting of this record, for CLI options and documentation. */
  public static final List<Setting<?>> SETTINGS =
      List.of(URL, USER_INFO, AUTO_REGISTER, SUBJECT_STRATEGY, TIMEOUT, RETRIES, RETRY_BACKOFF);

  /** Checks the values. */
  public RegistryConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(subjectStrategy, "subjectStrategy");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be >= 0");
    }
  }

  /** Reads every setting from a source, failing on the first bad one. */
  public static RegistryConfig from(ConfigSource source) {
    return new RegistryConfig(
        source.get(URL),
        source.get(USER_INFO),
        source.get(AUTO_REGISTER),
        source.get(SUBJECT_STRATEGY),
        source.get(TIMEOUT),
        source.get(RETRIES),
        source.get(RETRY_BACKOFF));
  }

  /** Defaults for a registry at {@code url}, without credentials. */
  public static RegistryConfig of(URI url) {
    return new RegistryConfig(
        url,
        null,
        true,
        SubjectNameStrategy.TOPIC_NAME,
        TIMEOUT.defaultValue(),
        RETRIES.defaultValue(),
        RETRY_BACKOFF.defaultValue());
  }

  /** A copy with basic-auth credentials. */
  public RegistryConfig withBasicAuth(String userInfo) {
    return new RegistryConfig(
        url, userInfo, autoRegister, subjectStrategy, timeout, retries, retryBackoff);
  }

  /** A copy with another retry count. */
  public RegistryConfig withRetries(int n) {
    return new RegistryConfig(
        url, basicAuthUserInfo, autoRegister, subjectStrategy, timeout, n, retryBackoff);
  }

  @Override
  public String toString() {
    return "RegistryConfig[url="
        + url
        + ", basicAuth="
        + (basicAuthUserInfo == null ? "off" : "on")
        + ", autoRegister="
        + autoRegister
        + ", subjectStrategy="
        + subjectStrategy
        + ", timeout="
        + timeout
        + ", retries="
        + retries
        + ", retryBackoff="
        + retryBackoff
        + "]";
  }
}
