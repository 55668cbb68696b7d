package dev.streamtune.store;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import io.minio.MinioClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * How to reach S3-compatible object storage (MinIO, AWS S3, the dev stack's S3Proxy).
 *
 * @param endpoint base URL, such as {@code http://127.0.0.1:9000}
 * @param region signing region
 * @param bucket the bucket Streamtune keeps its data in
 * @param accessKey the access key id; a secret
 * @param secretKey the secret access key; a secret
 */
public record S3Config(
    URI endpoint, String region, String bucket, String accessKey, String secretKey) {

  /** Endpoint. */
  public static final Setting<URI> ENDPOINT =
      Setting.httpUrl("s3.endpoint", "http://127.0.0.1:9000", "S3-compatible endpoint URL");

  /** Region. */
  public static final Setting<String> REGION =
      Setting.string("s3.region", "us-east-1", "S3 signing region");

  /** Bucket. */
  public static final Setting<String> BUCKET =
      Setting.string("s3.bucket", "streamtune", "bucket for examples, " + "features and models")
          .must(
              b -> b.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
              "must be a valid S3 bucket name: 3-63 of a-z 0-9 . -");

  /** Access key. */
  public static final Setting<String> ACCESS_KEY =
      Setting.string("s3.access.key", "streamtune", "S3 access key id (the dev stack's by default)")
          .asSecret();

  /** Secret key. */
  public static final Setting<String> SECRET_KEY =
      Setting.string(
              "s3.secret.key",
              "streamtune-dev-secret",
              "S3 secret access key (the dev stack's by default)")
          .asSecret();

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      List.of(ENDPOINT, REGION, BUCKET, ACCESS_KEY, SECRET_KEY);

  /** Checks the values. */
  public S3Config {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(accessKey, "accessKey");
    Objects.requireNonNull(secretKey, "secretKey");
  }

  /** Reads the settings. */
  public static S3Config from(ConfigSource source) {
    return new S3Config(
        source.get(ENDPOINT),
        source.get(REGION),
        source.get(BUCKET),
        source.get(ACCESS_KEY),
        source.get(SECRET_KEY));
  }

  /** A copy for another bucket. */
  public S3Config withBucket(String newBucket) {
    return new S3Config(endpoint, region, newBucket, accessKey, secretKey);
  }

  /** The longest one read or write of the client may wait for the server before it fails. */
  public static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  /** A new client, on sockets with TCP_NODELAY; close it. */
  public MinioClient newClient() {
    OkHttpClient http =
        new OkHttpClient.Builder()
            .socketFactory(new NoDelaySocketFactory())
            .connectTimeout(Duration.ofSeconds(10))
            .readTimeout(CALL_TIMEOUT)
            .writeTimeout(CALL_TIMEOUT)
            .build();
    return MinioClient.builder()
        .endpoint(endpoint.toString())
        .region(region)
        .credentials(accessKey, secretKey)
        .httpClient(http, true)
        .build();
  }

  @Override
  public String toString() {
    return "S3Config["
        + endpoint
        + ", region="
        + region
        + ", bucket="
        + bucket
        + ", accessKey=(hidden)]";
  }
}
