package dev.streamtune.store;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The index of one {@link LocalPacks} folder: the packs mirrored and where each value's row is in
 * {@code rows.bin}, kept as {@code index.tsv} ({@code #pack\t{key}} lines, then {@code
 * sha256\toffset\tlength\tpack} lines).
 *
 * @param packs the pack keys mirrored
 * @param rows each value's row, by sha256
 */
record MirrorIndex(Set<String> packs, Map<String, MirrorIndex.Row> rows) {
  private static final String PACK = "#pack\t";

  /** Where one value lives. */
  record Row(long offset, int length, String pack) {}

  /** Bytes of the rows still in use. */
  long live() {
    return rows.values().stream().mapToLong(Row::length).sum();
  }

  /** Rewrites {@code rows.bin} with the rows in use only. */
  void compact(Path dir) throws IOException {
    Path tmp = dir.resolve("rows.bin.tmp");
    Map<String, Row> moved = new LinkedHashMap<>();
    try (FileChannel from = FileChannel.open(dir.resolve("rows.bin"), StandardOpenOption.READ);
        FileChannel to =
            FileChannel.open(
                tmp,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
      long at = 0;
      for (var e : rows.entrySet()) {
        Row r = e.getValue();
        long done = 0;
        while (done < r.length()) {
          done += from.transferTo(r.offset() + done, r.length() - done, to);
        }
        moved.put(e.getKey(), new Row(at, r.length(), r.pack()));
        at += r.length();
      }
    }
    Files.move(
        tmp,
        dir.resolve("rows.bin"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    rows.clear();
    rows.putAll(moved);
  }

  /** A mirror folder's index, empty when it has none (or its files do not match). */
  static MirrorIndex load(Path dir) throws IOException {
    MirrorIndex index = new MirrorIndex(new HashSet<>(), new LinkedHashMap<>());
    if (!Files.exists(dir.resolve("rows.bin"))) {
      return index;
    }
    try (BufferedReader r =
        Files.newBufferedReader(dir.resolve("index.tsv"), StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith(PACK)) {
          index.packs().add(line.substring(PACK.length()));
        } else {
          String[] f = line.split("\t", 4);
          index.rows().put(f[0], new Row(Long.parseLong(f[1]), Integer.parseInt(f[2]), f[3]));
        }
      }
    } catch (NoSuchFileException e) {
      Files.delete(dir.resolve("rows.bin"));
      return new MirrorIndex(new HashSet<>(), new LinkedHashMap<>());
    }
    return index;
  }

  /**
   * Adds one pack and its new rows to {@code index.tsv} by appending (a later line of a sha256 wins
   * on load), instead of rewriting the whole index for each pack.
   */
  static void append(Path dir, String pack, Map<String, Row> added) throws IOException {
    try (BufferedWriter w =
        Files.newBufferedWriter(
            dir.resolve("index.tsv"),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      w.write(PACK + pack + "\n");
      for (var e : added.entrySet()) {
        Row r = e.getValue();
        w.write(e.getKey() + "\t" + r.offset() + "\t" + r.length() + "\t" + r.pack() + "\n");
      }
    }
  }

  /** Writes the index beside its rows, atomically. */
  void save(Path dir) throws IOException {
    Path tmp = dir.resolve("index.tsv.tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (String p : packs) {
        w.write(PACK + p + "\n");
      }
      for (var e : rows.entrySet()) {
        Row r = e.getValue();
        w.write(e.getKey() + "\t" + r.offset() + "\t" + r.length() + "\t" + r.pack() + "\n");
      }
    }
    Files.move(
        tmp,
        dir.resolve("index.tsv"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
