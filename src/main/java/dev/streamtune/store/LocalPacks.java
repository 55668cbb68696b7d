package dev.streamtune.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local disk mirror of the packs under a prefix, so that a run reads the cached values it needs
 * from local disk, one row each, instead of getting every pack from object storage: reading a few
 * thousand values of a model with tens of thousands then costs those rows, not the whole cache.
 *
 * <p>Per prefix, one folder holds {@code rows.bin} (each value as a one-entry pack, appended) and
 * {@code index.tsv} (the packs mirrored, and each value's sha256, place and pack). Object storage
 * stays the truth: each read lists the prefix first, mirrors the packs it has not seen, and forgets
 * the rows of packs that are gone (rewritten by {@link CacheErasure}, merged by a compaction),
 * overwriting their bytes with zeros so that an erased image's values do not stay on disk. Packs
 * this process writes are mirrored as they are written. The folder is locked while it is used
 * (across processes too); an unreadable mirror is deleted and rebuilt.
 *
 * @param <V> one image's value
 */
final class LocalPacks<V> {
  private static final Logger LOG = LoggerFactory.getLogger(LocalPacks.class);
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();
  private final Path root;
  private final Function<Map<String, V>, byte[]> encode;
  private final Function<byte[], Map<String, V>> decode;
  private final Map<Path, Loaded> loaded = new ConcurrentHashMap<>();

  /** An index as loaded or written by this instance, and its file's size and time then. */
  private record Loaded(MirrorIndex index, long size, java.nio.file.attribute.FileTime modified) {}

  LocalPacks(
      Path root, Function<Map<String, V>, byte[]> encode, Function<byte[], Map<String, V>> decode) {
    this.root = root;
    this.encode = encode;
    this.decode = decode;
  }

  /**
   * Brings the mirror of {@code prefix} up to date with {@code packs} (the pack keys object storage
   * lists now, each fetched by {@code fetch} when new), then hands each wanted value it holds to
   * {@code sink}.
   */
  void read(
      String prefix,
      List<String> packs,
      Function<String, Optional<byte[]>> fetch,
      Collection<String> wanted,
      BiConsumer<String, V> sink) {
    Path dir = dir(prefix);
    synchronized (LOCKS.computeIfAbsent(dir, d -> new Object())) {
      try (FileChannel lock = lockFile(dir);
          FileLock held = lock.lock()) {
        MirrorIndex index = sync(dir, packs, fetch);
        if (index.rows().isEmpty()) {
          return;
        }
        try (FileChannel rows =
            FileChannel.open(dir.resolve("rows.bin"), StandardOpenOption.READ)) {
          for (String sha : new TreeSet<>(wanted)) {
            MirrorIndex.Row r = index.rows().get(sha);
            if (r != null) {
              ByteBuffer b = ByteBuffer.allocate(r.length());
              while (b.hasRemaining()) {
                if (rows.read(b, r.offset() + b.position()) < 0) {
                  throw new IOException("rows.bin ends before " + sha);
                }
              }
              V v = decode.apply(b.array()).get(sha);
              if (v != null) {
                passOn(() -> sink.accept(sha, v));
              }
            }
          }
        }
      } catch (NotTheMirrors e) {
        throw e.cause;
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "The local mirror of {} is deleted and rebuilt next time: {}", prefix, e.toString());
        deleteQuietly(dir);
        throw new LocalMirrorException(e);
      }
    }
  }

  /** Mirrors a pack this process has just written under {@code prefix}. */
  void added(String prefix, String pack, Map<String, V> values) {
    Path dir = dir(prefix);
    synchronized (LOCKS.computeIfAbsent(dir, d -> new Object())) {
      try (FileChannel lock = lockFile(dir);
          FileLock held = lock.lock()) {
        MirrorIndex index = index(dir);
        if (index.packs().add(pack)) {
          MirrorIndex.append(dir, pack, append(dir, index, pack, values));
          remember(dir, index);
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("The local mirror of {} is deleted: {}", prefix, e.toString());
        deleteQuietly(dir);
      }
    }
  }

  private MirrorIndex sync(Path dir, List<String> listed, Function<String, Optional<byte[]>> fetch)
      throws IOException {
    MirrorIndex index = index(dir);
    Set<String> now = new HashSet<>(listed);
    List<String> gone = index.packs().stream().filter(p -> !now.contains(p)).toList();
    boolean changed = !gone.isEmpty();
    if (!gone.isEmpty()) {
      forget(dir, index, new HashSet<>(gone));
    }
    for (String pack : listed) {
      if (!index.packs().contains(pack)) {
        Optional<byte[]> bytes = passOn(() -> fetch.apply(pack));
        Optional<Map<String, V>> values = bytes.map(decode);
        index.packs().add(pack);
        if (values.isPresent()) {
          append(dir, index, pack, values.get());
        }
        changed = true;
      }
    }
    if (changed) {
      index.save(dir);
      remember(dir, index);
    }
    return index;
  }

  /**
   * The folder's index: the one this instance last loaded or wrote while {@code index.tsv} is
   * unchanged since, else loaded again (another process may have changed it).
   */
  private MirrorIndex index(Path dir) throws IOException {
    Loaded l = loaded.get(dir);
    Path file = dir.resolve("index.tsv");
    if (l != null
        && Files.exists(file)
        && Files.size(file) == l.size()
        && Files.getLastModifiedTime(file).equals(l.modified())) {
      return l.index();
    }
    MirrorIndex index = MirrorIndex.load(dir);
    remember(dir, index);
    return index;
  }

  private void remember(Path dir, MirrorIndex index) throws IOException {
    Path file = dir.resolve("index.tsv");
    if (Files.exists(file)) {
      loaded.put(dir, new Loaded(index, Files.size(file), Files.getLastModifiedTime(file)));
    } else {
      loaded.remove(dir);
    }
  }

  /** Appends the values not mirrored yet to {@code rows.bin}; returns their rows. */
  private Map<String, MirrorIndex.Row> append(
      Path dir, MirrorIndex index, String pack, Map<String, V> values) throws IOException {
    Map<String, MirrorIndex.Row> added = new LinkedHashMap<>();
    try (FileChannel rows =
        FileChannel.open(
            dir.resolve("rows.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long at = rows.size();
      for (var e : values.entrySet()) {
        if (index.rows().containsKey(e.getKey())) {
          continue;
        }
        Map<String, V> one = new LinkedHashMap<>();
        one.put(e.getKey(), e.getValue());
        byte[] bytes = encode.apply(one);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          rows.write(b, at + b.position());
        }
        MirrorIndex.Row row = new MirrorIndex.Row(at, bytes.length, pack);
        index.rows().put(e.getKey(), row);
        added.put(e.getKey(), row);
        at += bytes.length;
      }
    }
    return added;
  }

  /**
   * Zeroes and drops the rows of packs gone from object storage; rewrites the file when half is
   * gone.
   */
  private void forget(Path dir, MirrorIndex index, Set<String> gone) throws IOException {
    index.packs().removeAll(gone);
    Path file = dir.resolve("rows.bin");
    try (FileChannel rows = FileChannel.open(file, StandardOpenOption.WRITE)) {
      var it = index.rows().entrySet().iterator();
      while (it.hasNext()) {
        MirrorIndex.Row r = it.next().getValue();
        if (gone.contains(r.pack())) {
          ByteBuffer zeros = ByteBuffer.allocate(r.length());
          while (zeros.hasRemaining()) {
            rows.write(zeros, r.offset() + zeros.position());
          }
          it.remove();
        }
      }
    }
    if (index.live() * 2 < Files.size(file)) {
      index.compact(dir);
    }
  }

  private Path dir(String prefix) {
    return root.resolve(
        ArtifactFiles.sha256(prefix.getBytes(StandardCharsets.UTF_8)).substring(0, 32));
  }

  private static FileChannel lockFile(Path dir) throws IOException {
    Files.createDirectories(dir);
    return FileChannel.open(
        dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private static void deleteQuietly(Path dir) {
    try {
      LocalFiles.deleteTree(dir);
    } catch (UncheckedIOException e) {
      LOG.warn("Could not delete {}: {}", dir, e.getMessage());
    }
  }

  /** The mirror failed (and was deleted); the caller reads object storage instead. */
  static final class LocalMirrorException extends RuntimeException {
    LocalMirrorException(Throwable cause) {
      super(cause);
    }
  }

  /** For tests: the packs mirrored under a prefix. */
  Set<String> mirrored(String prefix) throws IOException {
    return new TreeSet<>(MirrorIndex.load(dir(prefix)).packs());
  }

  /** For tests: the bytes of a prefix's rows file. */
  byte[] rowBytes(String prefix) throws IOException {
    Path f = dir(prefix).resolve("rows.bin");
    return Files.exists(f) ? Files.readAllBytes(f) : new byte[0];
  }

  /** Runs a step whose failure is not the mirror's (object storage's, the sink's). */
  private static <T> T passOn(java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      throw new NotTheMirrors(e);
    }
  }

  private static void passOn(Runnable step) {
    passOn(
        () -> {
          step.run();
          return null;
        });
  }

  /** Carries a failure that is not the mirror's through its error handling. */
  private static final class NotTheMirrors extends RuntimeException {
    private final RuntimeException cause;

    NotTheMirrors(RuntimeException cause) {
      super(cause);
      this.cause = cause;
    }
  }
}
