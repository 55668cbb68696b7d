package dev.streamtune.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the requests that reach a real store, to check how many GETs a read costs. */
final class CountingStore implements ObjectStore {
  final AtomicInteger gets = new AtomicInteger();
  final AtomicInteger lists = new AtomicInteger();
  final AtomicInteger puts = new AtomicInteger();
  private final ObjectStore real;

  CountingStore(ObjectStore real) {
    this.real = real;
  }

  @Override
  public void put(String key, byte[] data, String contentType, Map<String, String> metadata) {
    puts.incrementAndGet();
    real.put(key, data, contentType, metadata);
  }

  @Override
  public Optional<byte[]> get(String key) {
    gets.incrementAndGet();
    return real.get(key);
  }

  @Override
  public List<String> list(String prefix) {
    lists.incrementAndGet();
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
