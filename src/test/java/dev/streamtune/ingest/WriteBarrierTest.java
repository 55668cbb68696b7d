package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WriteBarrierTest {
  @Test
  void writesOfOneKeyRunInOrderAndAwaitWaitsForAll() throws Exception {
    List<String> done = new CopyOnWriteArrayList<>();
    CountDownLatch hold = new CountDownLatch(1);
    try (WriteBarrier b = new WriteBarrier(4, 16)) {
      b.submit(
          "k",
          () -> {
            await(hold);
            done.add("put-a");
          });
      b.submit("k", () -> done.add("put-b"));
      b.submit("other", () -> done.add("other"));
      assertThat(waitFor(done, 1)).containsExactly("other");
      hold.countDown();
      b.await();
      assertThat(done).containsExactly("other", "put-a", "put-b");
    }
  }

  /**
   * A failed write dooms its transaction: once the window of writes in flight is full behind it,
   * the next write is refused with its failure (instead of queueing more bytes for a commit that
   * cannot happen), the await throws it after the others finish, and a drain forgets it.
   */
  @Test
  void aFailedWriteStopsFurtherWritesFailsTheAwaitAndDrainForgetsIt() throws Exception {
    List<String> done = new CopyOnWriteArrayList<>();
    try (WriteBarrier b = new WriteBarrier(2, 4)) {
      CompletableFuture<Void> failed = new CompletableFuture<>();
      b.submit(
          "a",
          () -> {
            failed.complete(null);
            throw new IllegalStateException("S3 down");
          });
      failed.get();
      for (int i = 0; i < 3; i++) {
        String k = "k" + i;
        b.submit(k, () -> done.add(k));
      }
      assertThatThrownBy(() -> b.submit("k3", () -> done.add("k3"))).hasMessage("S3 down");
      assertThatThrownBy(b::await).hasMessage("S3 down");
      assertThat(done).containsExactlyInAnyOrder("k0", "k1", "k2");
      b.submit(
          "a",
          () -> {
            throw new IllegalStateException("again");
          });
      b.drain();
      b.await();
    }
  }

  /**
   * The writes behind one commit share one retry budget: a write issued once it is spent (say, the
   * 64th queued behind an outage) is not tried but fails the commit at once, as an outage, instead
   * of holding the transaction for a budget of its own; the next commit's writes get a fresh one.
   */
  @Test
  void theWritesOfOneCommitShareOneBudget() {
    StorageRetry retry = new StorageRetry(java.time.Duration.ofMillis(300));
    java.util.concurrent.atomic.AtomicInteger tried =
        new java.util.concurrent.atomic.AtomicInteger();
    Runnable down =
        () -> {
          throw new java.io.UncheckedIOException(new java.io.IOException("S3 down"));
        };
    try (WriteBarrier b = new WriteBarrier(2, 16)) {
      long first = b.deadline(retry.budget());
      b.submit("a", () -> retry.runBy(first, "put a", down));
      org.awaitility.Awaitility.await().until(() -> System.nanoTime() > first);
      long second = b.deadline(retry.budget());
      b.submit(
          "b",
          () ->
              retry.runBy(
                  second,
                  "put b",
                  () -> {
                    tried.incrementAndGet();
                    down.run();
                  }));
      assertThatThrownBy(b::await).isInstanceOf(java.io.UncheckedIOException.class);
      assertThat(tried).as("a write issued past the commit's budget is not tried").hasValue(0);
      long next = b.deadline(retry.budget());
      b.submit("c", () -> retry.runBy(next, "put c", tried::incrementAndGet));
      b.await();
      assertThat(tried).as("the next commit has a budget of its own").hasValue(1);
    }
  }

  @Test
  void inlineRunsAtOnce() {
    List<String> done = new CopyOnWriteArrayList<>();
    try (WriteBarrier b = WriteBarrier.inline()) {
      b.submit("k", () -> done.add("x"));
      assertThat(done).containsExactly("x");
      b.await();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> waitFor(List<String> done, int n) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> done.size() >= n);
    return List.copyOf(done);
  }
}
