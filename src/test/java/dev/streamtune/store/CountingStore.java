package dev.streamtune.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the requests that reach a real store, to check how many GETs a read costs. */
final class CountingStore extends ForwardingStore {
  final AtomicInteger gets = new AtomicInteger();
  final AtomicInteger lists = new AtomicInteger();
  final AtomicInteger puts = new AtomicInteger();

  CountingStore(ObjectStore real) {
    super(real);
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
}
