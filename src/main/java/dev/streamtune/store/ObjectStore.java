package dev.streamtune.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few object-storage operations Streamtune needs, over one bucket. {@link MinioObjectStore}
 * implements them for any S3-compatible server.
 *
 * <p>An unreachable server is an {@link java.io.UncheckedIOException} (retried by the caller); a
 * refusal (such as access denied) is an {@link ObjectStoreException}.
 */
public interface ObjectStore {

  /** Writes an object, replacing any with the same key. */
  void put(String key, byte[] data, String contentType, Map<String, String> metadata);

  /** Reads an object, or empty if there is none. */
  Optional<byte[]> get(String key);

  /**
   * Reads at most {@code maxBytes + 1} bytes of an object, or empty if there is none: an answer
   * longer than {@code maxBytes} says the object is over that limit, and the rest of it was not
   * read. For objects whose size a producer chose, such as the images an event refers to.
   */
  default Optional<byte[]> getAtMost(String key, int maxBytes) {
    return get(key).map(b -> b.length > maxBytes ? java.util.Arrays.copyOf(b, maxBytes + 1) : b);
  }

  /**
   * An object's user metadata (names lower-case, without the {@code x-amz-meta-} prefix), or empty
   * if there is no object.
   */
  Optional<Map<String, String>> metadata(String key);

  /** The keys under a prefix, recursively, in lexicographic order. */
  List<String> list(String prefix);

  /** Deletes an object; deleting a missing one is not an error. */
  void delete(String key);

  /** Copies an object within the bucket, with new metadata, replacing any object at {@code to}. */
  void copy(String from, String to, Map<String, String> metadata);

  /** The bucket this store reads and writes. */
  String bucket();

  /** The same server and credentials, over another bucket. */
  ObjectStore inBucket(String bucket);
}
