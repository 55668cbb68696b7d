package dev.streamtune.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3-compatible server in this JVM: S3Proxy over jclouds' {@code filesystem-nio2} backend, with
 * AWS SigV2/SigV4 authentication. Buckets are directories under the data directory, so objects
 * survive restarts.
 *
 * <p>S3Proxy writes an upload to {@code key-<uuid>} and renames it when complete; a client that
 * dies mid-upload leaves that file behind without its attributes, and every LIST of its folder then
 * fails with a 500. A janitor removes such leftovers once they are a minute old.
 */
public final class EmbeddedS3 implements AutoCloseable {
  private static final Pattern UPLOAD_IN_PROGRESS =
      Pattern.compile(".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);
  private final BlobStoreContext context;
  private final S3Proxy proxy;
  private final URI endpoint;
  private final ScheduledExecutorService janitor;

  private EmbeddedS3(BlobStoreContext context, S3Proxy proxy, URI endpoint, Path dataDir) {
    this.context = context;
    this.proxy = proxy;
    this.endpoint = endpoint;
    this.janitor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "s3-janitor");
              t.setDaemon(true);
              return t;
            });
    janitor.scheduleWithFixedDelay(() -> removeAbandonedUploads(dataDir), 10, 10, TimeUnit.SECONDS);
  }

  /**
   * Deletes upload files that never completed: named {@code key-<uuid>}, without attributes, old.
   */
  static int removeAbandonedUploads(Path dataDir) {
    int removed = 0;
    long cutoff = System.currentTimeMillis() - ABANDONED_AFTER.toMillis();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (UPLOAD_IN_PROGRESS.matcher(f.getFileName().toString()).matches()
            && Files.getLastModifiedTime(f).toMillis() < cutoff
            && !hasAttributes(f)) {
          Files.deleteIfExists(f);
          removed++;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return removed;
    }
    return removed;
  }

  private static boolean hasAttributes(Path f) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
    return view != null && !view.list().isEmpty();
  }

  /**
   * Starts serving {@code dataDir} on {@code port} (0 for a free one).
   *
   * @param accessKey the only access key accepted
   * @param secretKey its secret
   */
  public static EmbeddedS3 start(Path dataDir, int port, String accessKey, String secretKey) {
    BlobStoreContext context = null;
    try {
      Files.createDirectories(dataDir);
      Properties overrides = new Properties();
      overrides.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
      context =
          ContextBuilder.newBuilder("filesystem-nio2")
              .credentials("identity", "credential")
              .overrides(overrides)
              .build(BlobStoreContext.class);
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(context.getBlobStore())
              .endpoint(URI.create("http://127.0.0.1:" + port))
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
              .build();
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.sleep(10);
      }
      return new EmbeddedS3(
          context, proxy, URI.create("http://127.0.0.1:" + proxy.getPort()), dataDir);
    } catch (Exception e) {
      if (context != null) {
        context.close();
      }
      throw new IllegalStateException(
          "Cannot start the embedded S3 server on port " + port + ": " + e, e);
    }
  }

  /** The endpoint URL, such as {@code http://127.0.0.1:9000}. */
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    janitor.shutdownNow();
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop S3Proxy", e);
    } finally {
      context.close();
    }
  }
}
