package dev.streamtune.store;

import dev.streamtune.digest.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a version's artifacts are named and checked: an artifact is an {@code s3://bucket/key} URI
 * with a sha256, of the file, or for a directory (trailing slash) of its manifest, the sorted
 * {@code path sha256} lines of its files. The trainer writes them; subscribers download and verify
 * them.
 */
public final class ArtifactFiles {
  private ArtifactFiles() {}

  /** Lower-case hex sha256 of the bytes. */
  public static String sha256(byte[] data) {
    return Sha256.hex(data);
  }

  /** The manifest text: sorted {@code path sha256} lines. */
  public static byte[] manifest(Map<String, String> shaByPath) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(shaByPath).forEach((p, s) -> b.append(p).append(' ').append(s).append('\n'));
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The {@code s3://bucket/key} URI of a key in this store's bucket. */
  public static String uri(ObjectStore store, String key) {
    return "s3://" + store.bucket() + "/" + key;
  }

  /**
   * The object key of an {@code s3://bucket/key} URI in this store's bucket.
   *
   * @throws IllegalArgumentException if the URI names another bucket or scheme
   */
  public static String key(ObjectStore store, String uri) {
    String head = "s3://" + store.bucket() + "/";
    if (!uri.startsWith(head)) {
      throw new IllegalArgumentException(uri + " is not in bucket " + store.bucket());
    }
    return uri.substring(head.length());
  }

  /** The files under a directory artifact, relative to it. */
  public static List<String> files(ObjectStore store, String dirUri) {
    String k = key(store, dirUri);
    return store.list(k).stream().map(s -> s.substring(k.length())).toList();
  }

  /**
   * Downloads a directory artifact into {@code dir} (created; must not hold other files) and checks
   * its manifest's sha256.
   *
   * @throws IllegalStateException naming the artifact when the sha256 differs, or it is empty
   */
  public static Path download(ObjectStore store, String dirUri, String sha256, Path dir) {
    String prefix = key(store, dirUri);
    Map<String, String> manifest = new TreeMap<>();
    try {
      for (String k : store.list(prefix)) {
        byte[] data =
            store
                .get(k)
                .orElseThrow(() -> new IllegalStateException(k + " vanished while downloading"));
        String path = k.substring(prefix.length());
        Path f = dir.resolve(path).normalize();
        if (!f.startsWith(dir)) {
          throw new IllegalStateException(
              "Artifact " + dirUri + " has a file outside itself: " + path);
        }
        Files.createDirectories(f.getParent());
        Files.write(f, data);
        manifest.put(path, sha256(data));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot download " + dirUri + " to " + dir, e);
    }
    String actual = sha256(manifest(manifest));
    if (manifest.isEmpty() || !actual.equals(sha256)) {
      throw new IllegalStateException(
          "Artifact "
              + dirUri
              + " does not match its sha256: the event says "
              + sha256
              + ", the "
              + manifest.size()
              + " files downloaded give "
              + actual);
    }
    return dir;
  }
}
