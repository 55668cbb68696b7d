package dev.streamtune.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Per-image values kept in packed objects under one prefix per model: reads list the prefix and get
 * every pack; writes add new packs, never rewrite, so a crashed writer leaves at worst an extra
 * pack and duplicates across packs are harmless; {@link #compact} merges many small packs. The
 * shared machinery of {@link FeatureCache} and {@link ActivationCache}.
 *
 * @param <V> one image's value
 */
final class PackStore<V> {
  private final ObjectStore store;
  private final Function<Map<String, V>, byte[]> encode;
  private final Function<byte[], Map<String, V>> decode;
  private final int maxPerPack;
  private final Clock clock;
  private final LocalPacks<V> local;

  /**
   * @param decode a pack's entries, or null when the pack was written for something else (another
   *     layer list or shape), which is then skipped
   */
  PackStore(
      ObjectStore store,
      Function<Map<String, V>, byte[]> encode,
      Function<byte[], Map<String, V>> decode,
      int maxPerPack,
      Clock clock) {
    this(store, encode, decode, maxPerPack, clock, null);
  }

  private PackStore(
      ObjectStore store,
      Function<Map<String, V>, byte[]> encode,
      Function<byte[], Map<String, V>> decode,
      int maxPerPack,
      Clock clock,
      Path localDir) {
    if (maxPerPack < 1) {
      throw new IllegalArgumentException("maxPerPack must be positive");
    }
    this.store = store;
    this.encode = encode;
    this.decode = decode;
    this.maxPerPack = maxPerPack;
    this.clock = clock;
    this.local = localDir == null ? null : new LocalPacks<>(localDir, encode, decode);
  }

  /** The same store, read through a local disk mirror in {@code dir} ({@link LocalPacks}). */
  PackStore<V> withLocal(Path dir) {
    return new PackStore<>(store, encode, decode, maxPerPack, clock, dir);
  }

  Map<String, V> read(String prefix, Collection<String> sha256s) {
    Map<String, V> found = new HashMap<>();
    read(prefix, sha256s, found::put);
    return found;
  }

  /**
   * Hands each requested value found to {@code sink}, one pack at a time, so that no more than one
   * pack is held; a value in two packs is handed once.
   */
  void read(String prefix, Collection<String> sha256s, BiConsumer<String, V> sink) {
    List<String> keys = packKeys(prefix);
    if (local != null) {
      try {
        local.read(prefix, keys, store::get, sha256s, sink);
        return;
      } catch (LocalPacks.LocalMirrorException e) {
        // read from object storage below
      }
    }
    Set<String> wanted = new HashSet<>(sha256s);
    for (String key : keys) {
      store
          .get(key)
          .map(decode)
          .ifPresent(
              pack ->
                  pack.forEach(
                      (sha, v) -> {
                        if (wanted.remove(sha)) {
                          sink.accept(sha, v);
                        }
                      }));
    }
  }

  void write(String prefix, Map<String, V> values) {
    List<Map.Entry<String, V>> all = new ArrayList<>(values.entrySet());
    for (int i = 0; i < all.size(); i += maxPerPack) {
      Map<String, V> part = new LinkedHashMap<>();
      all.subList(i, Math.min(all.size(), i + maxPerPack))
          .forEach(e -> part.put(e.getKey(), e.getValue()));
      String key = newKey(prefix, clock);
      put(store, key, encode.apply(part), part.size());
      if (local != null) {
        local.added(prefix, key, part);
      }
    }
  }

  /** Writes one encoded pack of {@code entries} values as a new pack under {@code prefix}. */
  static void put(ObjectStore store, String prefix, byte[] pack, int entries, Clock clock) {
    put(store, newKey(prefix, clock), pack, entries);
  }

  private static void put(ObjectStore store, String key, byte[] pack, int entries) {
    store.put(key, pack, "application/octet-stream", Map.of("entries", String.valueOf(entries)));
  }

  /** A new pack's key under {@code prefix}: the time first, so that keys sort by age. */
  private static String newKey(String prefix, Clock clock) {
    return prefix
        + String.format("%013d", clock.millis())
        + "-"
        + UUID.randomUUID().toString().substring(0, 8)
        + ".pack";
  }

  int compact(String prefix, int threshold) {
    Map<String, Map<String, V>> packs = packs(prefix);
    if (packs.size() <= threshold) {
      return 0;
    }
    Map<String, V> merged = new LinkedHashMap<>();
    packs.values().forEach(merged::putAll);
    write(prefix, merged);
    packs.keySet().forEach(store::delete);
    return packs.size();
  }

  private Map<String, Map<String, V>> packs(String prefix) {
    Map<String, Map<String, V>> out = new LinkedHashMap<>();
    for (String key : packKeys(prefix)) {
      store.get(key).map(decode).ifPresent(p -> out.put(key, p));
    }
    return out;
  }

  /** The keys of the packs under {@code prefix}. */
  private List<String> packKeys(String prefix) {
    return store.list(prefix).stream().filter(k -> k.endsWith(".pack")).toList();
  }
}
