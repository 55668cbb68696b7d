package dev.streamtune.store;

import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link ObjectStore} on the MinIO Java SDK, for one bucket. Thread-safe; close it. */
public final class MinioObjectStore implements ObjectStore, AutoCloseable {
  private static final Pattern RESPONSE_CODE = Pattern.compile("Response code: (\\d{3})");
  private final MinioClient client;
  private final String bucket;

  private final boolean ownsClient;

  /** A store over the bucket of {@code config}. */
  public MinioObjectStore(S3Config config) {
    this(config.newClient(), config.bucket(), true);
  }

  private MinioObjectStore(MinioClient client, String bucket, boolean ownsClient) {
    this.client = client;
    this.bucket = bucket;
    this.ownsClient = ownsClient;
  }

  @Override
  public String bucket() {
    return bucket;
  }

  @Override
  public ObjectStore inBucket(String other) {
    return new MinioObjectStore(client, other, false);
  }

  @Override
  public void copy(String from, String to, Map<String, String> metadata) {
    call(
        "copy " + from + " to " + to,
        () ->
            client.copyObject(
                CopyObjectArgs.builder()
                    .bucket(bucket)
                    .object(to)
                    .source(CopySource.builder().bucket(bucket).object(from).build())
                    .userMetadata(metadata)
                    .metadataDirective(Directive.REPLACE)
                    .build()));
  }

  @Override
  public void put(String key, byte[] data, String contentType, Map<String, String> metadata) {
    call(
        "put " + key,
        () ->
            client.putObject(
                PutObjectArgs.builder().bucket(bucket).object(key).stream(
                        new ByteArrayInputStream(data), data.length, -1)
                    .contentType(contentType)
                    .userMetadata(metadata)
                    .build()));
  }

  @Override
  public Optional<byte[]> get(String key) {
    return orMissing(
        "get " + key,
        () -> {
          try (InputStream in =
              client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
          }
        });
  }

  /** {@inheritDoc} The object's Content-Length is checked before its body is read. */
  @Override
  public Optional<Map<String, String>> metadata(String key) {
    return orMissing(
        "stat " + key,
        () -> {
          Map<String, String> out = new java.util.TreeMap<>();
          client
              .statObject(StatObjectArgs.builder().bucket(bucket).object(key).build())
              .userMetadata()
              .forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
          return out;
        });
  }

  @Override
  public Optional<byte[]> getAtMost(String key, int maxBytes) {
    return orMissing(
        "get " + key,
        () -> {
          try (GetObjectResponse in =
              client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            String length = in.headers().get("Content-Length");
            if (length != null
                && length.matches("\\d{1,18}")
                && Long.parseLong(length) > maxBytes) {
              return new byte[maxBytes + 1];
            }
            return in.readNBytes(maxBytes + 1);
          }
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>A LIST is idempotent, so a server error is retried a few times here: S3Proxy, for one,
   * answers 500 when a LIST meets an upload still being written in the same folder.
   */
  @Override
  public List<String> list(String prefix) {
    for (int attempt = 1; ; attempt++) {
      try {
        return listOnce(prefix);
      } catch (UncheckedIOException e) {
        if (attempt >= 5) {
          throw e;
        }
        try {
          Thread.sleep(50L << attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private List<String> listOnce(String prefix) {
    List<String> keys = new ArrayList<>();
    List<String> folders = new ArrayList<>();
    call(
        "list " + prefix,
        () -> {
          for (Result<Item> r :
              client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).build())) {
            Item item = r.get();
            (item.isDir() ? folders : keys).add(item.objectName());
          }
          return null;
        });
    List<CompletableFuture<List<String>>> parts =
        folders.stream()
            .map(f -> CompletableFuture.supplyAsync(() -> listRecursive(f), Listers.POOL))
            .toList();
    for (CompletableFuture<List<String>> part : parts) {
      try {
        keys.addAll(part.join());
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    keys.sort(null);
    return keys;
  }

  private List<String> listRecursive(String prefix) {
    return call(
        "list " + prefix,
        () -> {
          List<String> keys = new ArrayList<>();
          for (Result<Item> r :
              client.listObjects(
                  ListObjectsArgs.builder()
                      .bucket(bucket)
                      .prefix(prefix)
                      .recursive(true)
                      .build())) {
            Item item = r.get();
            if (!item.isDir()) {
              keys.add(item.objectName());
            }
          }
          return keys;
        });
  }

  /**
   * Lists a prefix's folders (a model's labels, say) concurrently: a recursive LIST is one request
   * after another, and S3Proxy, for one, spends most of it per object on the server.
   */
  private static final class Listers {
    static final ExecutorService POOL =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "streamtune-s3-list");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void delete(String key) {
    call(
        "delete " + key,
        () -> {
          client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
          return null;
        });
  }

  @Override
  public void close() {
    if (!ownsClient) {
      return;
    }
    try {
      client.close();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot close the MinIO client", e);
    }
  }

  /**
   * An answer that is not S3's XML (a proxy's or gateway's HTML page): its 4xx is a refusal like
   * any other (408 and 429 are outages, as {@code Failures.forRecord} decides), anything else an
   * outage.
   */
  static RuntimeException nonXml(InvalidResponseException e, String what, String bucket) {
    Matcher m = RESPONSE_CODE.matcher(String.valueOf(e.getMessage()));
    int status = m.find() ? Integer.parseInt(m.group(1)) : 0;
    String message =
        "S3 answered "
            + what
            + " in bucket "
            + bucket
            + " with a non-S3 response: "
            + e.getMessage();
    return status >= 400 && status < 500
        ? new ObjectStoreException(message, status, "NonS3Response", e)
        : new UncheckedIOException(message, new IOException(e));
  }

  /** A read whose object may be missing: S3's NoSuchKey answer is an empty result. */
  private <T> Optional<T> orMissing(String what, Call<T> read) {
    return call(
        what,
        () -> {
          try {
            return Optional.of(read.run());
          } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
              return Optional.empty();
            }
            throw e;
          }
        });
  }

  private interface Call<T> {
    T run() throws Exception;
  }

  private <T> T call(String what, Call<T> call) {
    try {
      return call.run();
    } catch (ErrorResponseException e) {
      if (e.response() != null && e.response().code() >= 500) {
        throw new UncheckedIOException(
            "S3 failed " + what + " in bucket " + bucket + " with " + e.response().code(),
            new IOException(e));
      }
      throw new ObjectStoreException(
          "S3 refused "
              + what
              + " in bucket "
              + bucket
              + ": "
              + e.errorResponse().code()
              + " "
              + e.errorResponse().message(),
          e.response() == null ? -1 : e.response().code(),
          e.errorResponse().code(),
          e);
    } catch (InvalidResponseException e) {
      throw nonXml(e, what, bucket);
    } catch (ServerException e) {
      throw new UncheckedIOException(
          "S3 failed " + what + " in bucket " + bucket + ": " + e.getMessage(), new IOException(e));
    } catch (IOException e) {
      throw new UncheckedIOException("S3 did not answer " + what + " in bucket " + bucket, e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ObjectStoreException("S3 " + what + " in bucket " + bucket + " failed: " + e, e);
    }
  }
}
