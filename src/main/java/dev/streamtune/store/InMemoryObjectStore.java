package dev.streamtune.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link ObjectStore} in memory, with buckets: for topology unit tests and anything that needs
 * no durability. Thread-safe.
 */
public final class InMemoryObjectStore implements ObjectStore {

  /** One stored object. */
  public record StoredObject(byte[] data, String contentType, Map<String, String> metadata) {}

  private final Map<String, TreeMap<String, StoredObject>> buckets;
  private final String bucket;

  /** An empty store whose default bucket is {@code bucket}. */
  public InMemoryObjectStore(String bucket) {
    this(new ConcurrentHashMap<>(), bucket);
  }

  private InMemoryObjectStore(Map<String, TreeMap<String, StoredObject>> buckets, String bucket) {
    this.buckets = buckets;
    this.bucket = bucket;
  }

  private TreeMap<String, StoredObject> objects() {
    return buckets.computeIfAbsent(bucket, b -> new TreeMap<>());
  }

  @Override
  public synchronized void put(
      String key, byte[] data, String contentType, Map<String, String> metadata) {
    objects().put(key, new StoredObject(data.clone(), contentType, Map.copyOf(metadata)));
  }

  @Override
  public synchronized Optional<byte[]> get(String key) {
    return Optional.ofNullable(objects().get(key)).map(o -> o.data().clone());
  }

  @Override
  public synchronized Optional<Map<String, String>> metadata(String key) {
    return Optional.ofNullable(objects().get(key)).map(StoredObject::metadata);
  }

  /** An object with its metadata. */
  public synchronized Optional<StoredObject> object(String key) {
    return Optional.ofNullable(objects().get(key));
  }

  @Override
  public synchronized List<String> list(String prefix) {
    return new ArrayList<>(objects().subMap(prefix, prefix + Character.MAX_VALUE).keySet());
  }

  @Override
  public synchronized void delete(String key) {
    objects().remove(key);
  }

  @Override
  public synchronized void copy(String from, String to, Map<String, String> metadata) {
    StoredObject o = objects().get(from);
    if (o == null) {
      throw new ObjectStoreException(
          "No object " + from + " in bucket " + bucket + " to copy", 404, "NoSuchKey", null);
    }
    objects().put(to, new StoredObject(o.data(), o.contentType(), Map.copyOf(metadata)));
  }

  @Override
  public String bucket() {
    return bucket;
  }

  @Override
  public ObjectStore inBucket(String other) {
    return new InMemoryObjectStore(buckets, other);
  }
}
