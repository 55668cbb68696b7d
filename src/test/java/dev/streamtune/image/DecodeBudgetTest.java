package dev.streamtune.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DecodeBudgetTest {

  @Test
  void aTakeWaitsUntilEnoughPixelsAreGivenBack() throws Exception {
    DecodeBudget budget = DecodeBudget.of(10);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      DecodeBudget.Lease first = budget.take(6);
      AtomicReference<Thread> waiter = new AtomicReference<>();
      CompletableFuture<DecodeBudget.Lease> second =
          CompletableFuture.supplyAsync(
              () -> {
                waiter.set(Thread.currentThread());
                return budget.take(6);
              },
              pool);
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.WAITING);
      assertThat(second).isNotDone();
      assertThat(budget.available()).isEqualTo(4);
      first.close();
      second.get(10, TimeUnit.SECONDS).close();
      assertThat(budget.available()).isEqualTo(10);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCostOverTheWholeBudgetTakesAllOfItAndDecodesAlone() {
    DecodeBudget budget = DecodeBudget.of(10);
    try (DecodeBudget.Lease lease = budget.take(1_000)) {
      assertThat(budget.available()).isZero();
    }
    assertThat(budget.available()).isEqualTo(10);
  }

  @Test
  void anInterruptedWaitIsNotBlamedOnTheImage() {
    DecodeBudget budget = DecodeBudget.of(1);
    try (DecodeBudget.Lease held = budget.take(1)) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> budget.take(1))
          .isInstanceOf(IllegalStateException.class)
          .isNotInstanceOf(ImageDecodeException.class)
          .hasMessageContaining("decode budget");
      assertThat(Thread.interrupted()).isTrue();
    }
  }

  @Test
  void aDecodeInterruptedWhileWaitingIsNotACorruptImage() throws IOException {
    DecodeBudget budget = DecodeBudget.of(1);
    byte[] png = TestImages.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png");
    try (DecodeBudget.Lease held = budget.take(1)) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> new ImageDecoder(1_000, budget).decode(png))
          .isInstanceOf(IllegalStateException.class)
          .isNotInstanceOf(ImageDecodeException.class);
      assertThat(Thread.interrupted()).isTrue();
    }
  }

  @Test
  void decodersWithTheSameSettingShareOneBudgetAndTheDefaultFollowsTheHeap() {
    assertThat(DecodeBudget.shared(12_345)).isSameAs(DecodeBudget.shared(12_345));
    assertThat(DecodeBudget.defaultPixels())
        .isEqualTo(Runtime.getRuntime().maxMemory() / 4 / DecodeBudget.BYTES_PER_PIXEL);
  }
}
