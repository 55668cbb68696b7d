package dev.streamtune.train;

import dev.streamtune.ml.ActivationRows;
import dev.streamtune.store.HalfFloat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's cut activations on local disk instead of the heap: each image's binary16 map is appended
 * to one file as it is gathered, and training reads the rows of each minibatch back (the page cache
 * keeps what fits in memory). The heap holds only the index, a few dozen bytes an image, so a
 * trainer's memory does not grow with its dataset (37.6 KB an image at {@code 14×14×96}: 2.2 GB at
 * 60,000 images, on disk). The file is deleted on {@link #close}.
 *
 * <p>As a {@link Map} it takes what {@link Gather} gives it; {@link #rows} is what training reads.
 */
final class SpilledActivations extends AbstractMap<String, short[]> implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final int rowValues;
  private final Map<String, Integer> index = new HashMap<>();
  private final ByteBuffer io;
  private final short[] row;

  /**
   * @param dir where the file goes (created if missing)
   * @param rowValues values in one image's map, such as 14·14·96
   */
  SpilledActivations(Path dir, int rowValues) {
    if (rowValues < 1) {
      throw new IllegalArgumentException("rowValues must be positive: " + rowValues);
    }
    this.rowValues = rowValues;
    this.io = ByteBuffer.allocateDirect(2 * rowValues).order(ByteOrder.LITTLE_ENDIAN);
    this.row = new short[rowValues];
    try {
      Files.createDirectories(dir);
      this.file = Files.createTempFile(dir, "activations-", ".f16");
      this.channel =
          FileChannel.open(
              file,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              StandardOpenOption.DELETE_ON_CLOSE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends an image's map; a sha256 already held keeps its first map. */
  @Override
  public synchronized short[] put(String sha256, short[] values) {
    if (values.length != rowValues) {
      throw new IllegalArgumentException(
          "An activation map of " + values.length + " values; this run's have " + rowValues);
    }
    if (index.containsKey(sha256)) {
      return get(sha256);
    }
    int at = index.size();
    io.clear();
    io.asShortBuffer().put(values);
    io.limit(2 * rowValues);
    write((long) at * 2 * rowValues);
    index.put(sha256, at);
    return null;
  }

  @Override
  public synchronized short[] get(Object sha256) {
    Integer at = index.get(sha256);
    if (at == null) {
      return null;
    }
    short[] out = new short[rowValues];
    readRow(at).get(out);
    return out;
  }

  @Override
  public synchronized boolean containsKey(Object sha256) {
    return index.containsKey(sha256);
  }

  @Override
  public synchronized int size() {
    return index.size();
  }

  @Override
  public Set<Entry<String, short[]>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, short[]>> iterator() {
        Iterator<String> keys = List.copyOf(index.keySet()).iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return keys.hasNext();
          }

          @Override
          public Entry<String, short[]> next() {
            String k = keys.next();
            return Map.entry(k, get(k));
          }
        };
      }

      @Override
      public int size() {
        return SpilledActivations.this.size();
      }
    };
  }

  /**
   * The rows of {@code sha256s}, in that order, as training reads them: each read goes to the file,
   * into one reused buffer.
   *
   * @throws IllegalArgumentException if one of them was never gathered
   */
  ActivationRows rows(List<String> sha256s) {
    int[] at = new int[sha256s.size()];
    for (int i = 0; i < at.length; i++) {
      Integer r = index.get(sha256s.get(i));
      if (r == null) {
        throw new IllegalArgumentException("No activations gathered for " + sha256s.get(i));
      }
      at[i] = r;
    }
    return new ActivationRows() {
      @Override
      public int size() {
        return at.length;
      }

      @Override
      public void read(int i, float[] dst, int offset) {
        synchronized (SpilledActivations.this) {
          readRow(at[i]).get(row);
          HalfFloat.toFloats(row, dst, offset);
        }
      }
    };
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ShortBuffer readRow(int at) {
    io.clear();
    long position = (long) at * 2 * rowValues;
    try {
      while (io.hasRemaining()) {
        if (channel.read(io, position + io.position()) < 0) {
          throw new IOException("Activation file " + file + " ends before row " + at);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    io.flip();
    return io.asShortBuffer();
  }

  private void write(long position) {
    try {
      while (io.hasRemaining()) {
        channel.write(io, position + io.position());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
