package dev.streamtune.train;

import dev.streamtune.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The images of a gathering's missing examples, downloaded in rounds one round ahead of the
 * computation: while {@link Gather} passes a round through the network, the next one downloads, its
 * GETs {@code rounds.downloads()} at a time. Against a remote store a GET waits tens of
 * milliseconds, so one at a time, on the request's path, would take longer than the network.
 *
 * <p>Memory: a round stops downloading once it holds half of {@code rounds.bytes()}, so the round
 * being computed and the one downloading ahead hold at most {@code rounds.bytes()} plus {@code 2 ×
 * rounds.downloads()} images. With one download at a time a round holds at most half the budget
 * plus one image.
 */
final class Downloads implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "gather-download-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  /**
   * One downloaded round.
   *
   * @param examples the examples whose images were found, in order
   * @param images their bytes, in the same order
   * @param gone examples whose image is no longer in the store (relabelled or erased since the
   *     listing)
   * @param next how many of the missing examples this round and those before it went through
   */
  record Round(
      List<Dataset.Example> examples, List<byte[]> images, List<Dataset.Example> gone, int next) {}

  private final ObjectStore store;
  private final List<Dataset.Example> missing;
  private final Gather.Rounds rounds;
  private Future<Round> ahead;

  /** Starts downloading the first round. */
  Downloads(ObjectStore store, List<Dataset.Example> missing, Gather.Rounds rounds) {
    this.store = store;
    this.missing = missing;
    this.rounds = rounds;
    this.ahead = missing.isEmpty() ? null : POOL.submit(() -> round(0));
  }

  /**
   * The next round, once downloaded, and starts downloading the one after it; null when every
   * missing example went through.
   *
   * @throws RuntimeException the store's error, as it threw it
   */
  Round next() {
    if (ahead == null) {
      return null;
    }
    Round r = await(ahead);
    ahead = r.next() < missing.size() ? POOL.submit(() -> round(r.next())) : null;
    return r;
  }

  /** Stops the round downloading ahead, if any. */
  @Override
  public void close() {
    if (ahead != null) {
      ahead.cancel(true);
      ahead = null;
    }
  }

  private Round round(int from) {
    List<Dataset.Example> found = new ArrayList<>();
    List<byte[]> images = new ArrayList<>();
    List<Dataset.Example> gone = new ArrayList<>();
    long held = 0;
    int i = from;
    long budget = Math.max(1, rounds.bytes() / 2);
    while (i < missing.size() && found.size() < rounds.images() && held < budget) {
      int wave =
          Math.min(
              rounds.downloads(), Math.min(missing.size() - i, rounds.images() - found.size()));
      List<Dataset.Example> asked = missing.subList(i, i + wave);
      i += wave;
      List<Future<Optional<byte[]>>> gets = new ArrayList<>(wave);
      if (wave == 1) {
        gets.add(java.util.concurrent.CompletableFuture.completedFuture(get(asked.get(0))));
      } else {
        asked.forEach(e -> gets.add(POOL.submit(() -> get(e))));
      }
      for (int j = 0; j < wave; j++) {
        Optional<byte[]> image = await(gets.get(j));
        if (image.isEmpty()) {
          gone.add(asked.get(j));
        } else {
          found.add(asked.get(j));
          images.add(image.get());
          held += image.get().length;
        }
      }
    }
    return new Round(found, images, gone, i);
  }

  private Optional<byte[]> get(Dataset.Example e) {
    return store.get(e.key());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while downloading images", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
