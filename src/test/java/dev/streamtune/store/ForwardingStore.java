package dev.streamtune.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store that hands every operation to a real one; a test overrides the operations it watches or
 * bends (a server stopped at a chosen write, objects served from files) and keeps the rest real.
 * The interface's default methods are left to call the overridable ones.
 */
public abstract class ForwardingStore implements ObjectStore {
  /** The store every operation goes to. */
  protected final ObjectStore real;

  protected ForwardingStore(ObjectStore real) {
    this.real = real;
  }

  @Override
  public void put(String key, byte[] data, String contentType, Map<String, String> metadata) {
    real.put(key, data, contentType, metadata);
  }

  @Override
  public Optional<byte[]> get(String key) {
    return real.get(key);
  }

  @Override
  public Optional<Map<String, String>> metadata(String key) {
    return real.metadata(key);
  }

  @Override
  public List<String> list(String prefix) {
    return real.list(prefix);
  }

  @Override
  public void delete(String key) {
    real.delete(key);
  }

  @Override
  public void copy(String from, String to, Map<String, String> metadata) {
    real.copy(from, to, metadata);
  }

  @Override
  public String bucket() {
    return real.bucket();
  }

  @Override
  public ObjectStore inBucket(String bucket) {
    return real.inBucket(bucket);
  }
}
