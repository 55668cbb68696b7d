package dev.streamtune.ingest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Lets a stream thread write to object storage concurrently while keeping exactly-once: each
 * thread's writes run on a shared pool, and {@link BarrierProducer} holds the thread's transaction
 * (its flush, offsets and commit) until every write issued since the last commit has finished. A
 * failed write fails the commit, so the transaction aborts and its records are replayed.
 *
 * <p>Writes for one key run in the order they were issued (a relabel's put and delete never
 * overtake an earlier write of the same image), and at most {@code maxInFlight} are pending per
 * thread. The writes issued between two commits share one deadline ({@link #deadline}), so an
 * outage holds a commit for one retry budget (plus one call), however many writes are queued, well
 * inside the transaction timeout. With {@code threads == 0} every write runs inline, as {@code
 * TopologyTestDriver}, which has no producer to hold, needs.
 */
final class WriteBarrier implements AutoCloseable {
  private final ExecutorService pool;
  private final int maxInFlight;
  private final ThreadLocal<ArrayDeque<CompletableFuture<Void>>> pending =
      ThreadLocal.withInitial(ArrayDeque::new);
  private final Map<String, CompletableFuture<Void>> lastByKey = new ConcurrentHashMap<>();
  private final ThreadLocal<long[]> deadline = ThreadLocal.withInitial(() -> new long[1]);

  WriteBarrier(int threads, int maxInFlight) {
    this.pool =
        threads == 0
            ? null
            : Executors.newFixedThreadPool(
                threads,
                r -> {
                  Thread t = new Thread(r, "ingest-s3-writer");
                  t.setDaemon(true);
                  return t;
                });
    this.maxInFlight = Math.max(1, maxInFlight);
  }

  /** A barrier that runs every write inline. */
  static WriteBarrier inline() {
    return new WriteBarrier(0, 1);
  }

  /**
   * The deadline ({@link System#nanoTime}) of this thread's writes until its next commit: each
   * write may retry an outage until then, so the whole commit, not each write, is bounded by {@code
   * budget}.
   */
  long deadline(Duration budget) {
    if (pool == null) {
      return System.nanoTime() + budget.toNanos();
    }
    long[] d = deadline.get();
    if (d[0] == 0) {
      d[0] = System.nanoTime() + budget.toNanos();
    }
    return d[0];
  }

  /** Issues a write for {@code key}, after any earlier write of the same key. */
  void submit(String key, Runnable write) {
    if (pool == null) {
      write.run();
      return;
    }
    ArrayDeque<CompletableFuture<Void>> mine = pending.get();
    while (mine.size() >= maxInFlight) {
      CompletableFuture<Void> oldest = mine.peekFirst();
      oldest.handle((v, e) -> null).join();
      if (oldest.isCompletedExceptionally()) {
        failure(oldest);
      }
      mine.pollFirst();
    }
    CompletableFuture<Void> before = lastByKey.get(key);
    CompletableFuture<Void> f =
        before == null
            ? CompletableFuture.runAsync(write, pool)
            : before.handle((v, e) -> null).thenRunAsync(write, pool);
    lastByKey.put(key, f);
    f.whenComplete((v, e) -> lastByKey.remove(key, f));
    mine.addLast(f);
  }

  /**
   * Throws the failure of a write that failed: the transaction cannot commit, so issuing more
   * writes (and holding their bytes) would only delay the abort and replay.
   */
  private static void failure(CompletableFuture<Void> failed) {
    try {
      failed.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    }
  }

  /**
   * Waits for every write this thread issued; then throws the first failure, if any. Called before
   * the thread's transaction sends offsets or commits.
   */
  void await() {
    RuntimeException first = null;
    ArrayDeque<CompletableFuture<Void>> mine = pending.get();
    deadline.get()[0] = 0;
    while (!mine.isEmpty()) {
      try {
        mine.pollFirst().join();
      } catch (CompletionException e) {
        if (first == null) {
          first =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Waits for this thread's writes and forgets their failures: the transaction is aborting. */
  void drain() {
    try {
      await();
    } catch (RuntimeException e) {
      // the records behind these writes are replayed after the abort
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
      try {
        pool.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
