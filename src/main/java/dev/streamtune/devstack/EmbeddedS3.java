package dev.streamtune.devstack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3-compatible server in this JVM: S3Proxy over jclouds' {@code filesystem-nio2} backend,
 * with AWS SigV2/SigV4 authentication. Buckets are directories under the data directory, so
 * objects survive restarts.
 */
public final class EmbeddedS3 implements AutoCloseable {
  private final BlobStoreContext context;
  private final S3Proxy proxy;
  private final URI endpoint;

  private EmbeddedS3(BlobStoreContext context, S3Proxy proxy, URI endpoint) {
    this.context = context;
    this.proxy = proxy;
    this.endpoint = endpoint;
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
      context = ContextBuilder.newBuilder("filesystem-nio2")
          .credentials("identity", "credential")
          .overrides(overrides)
          .build(BlobStoreContext.class);
      S3Proxy proxy = S3Proxy.builder()
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
      return new EmbeddedS3(context, proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
    } catch (Exception e) {
      if (context != null) {
        context.close();
      }
      throw new IllegalStateException("Cannot start the embedded S3 server on port " + port + ": " + e, e);
    }
  }

  /** The endpoint URL, such as {@code http://127.0.0.1:9000}. */
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop S3Proxy", e);
    } finally {
      context.close();
    }
  }
}
