package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ImageRef;
import dev.streamtune.store.ForwardingStore;
import dev.streamtune.store.InMemoryObjectStore;
import dev.streamtune.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ValidatorTest {
  /**
   * Validation's ImageRef reads share the commit's storage budget with its writes: during an outage
   * the first read retries until the budget is spent, and the next read of the same commit fails at
   * once, as an outage, instead of holding the transaction for a budget of its own (500 ImageRefs
   * polled during an outage would otherwise hold it for 500 budgets, far past the transaction
   * timeout). The next commit's reads get a fresh budget.
   */
  @Test
  void theImageRefReadsOfOneCommitShareItsStorageBudget() {
    AtomicInteger tried = new AtomicInteger();
    AtomicBoolean outage = new AtomicBoolean(true);
    ObjectStore down =
        new ForwardingStore(new InMemoryObjectStore("streamtune")) {
          @Override
          public Optional<byte[]> get(String key) {
            tried.incrementAndGet();
            if (outage.get()) {
              throw new UncheckedIOException(new IOException("S3 did not answer"));
            }
            return super.get(key);
          }

          @Override
          public ObjectStore inBucket(String bucket) {
            return this;
          }
        };
    IngestConfig config =
        IngestConfig.defaults().withStorage(Set.of("uploads"), Duration.ofSeconds(1));
    StorageRetry retry = new StorageRetry(config.storageRetry());
    try (WriteBarrier barrier = new WriteBarrier(1, 4)) {
      Validator validator = new Validator(config, down, retry, barrier);
      ImageRef a = ref("a");
      ImageRef b = ref("b");
      ImageRef c = ref("c");
      long deadline = barrier.deadline(retry.budget());
      assertThatThrownBy(() -> validator.read(a)).isInstanceOf(UncheckedIOException.class);
      await().until(() -> System.nanoTime() > deadline);
      int first = tried.get();
      assertThat(first).as("the first read retried the outage").isGreaterThan(1);
      assertThatThrownBy(() -> validator.read(b))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("budget");
      assertThat(tried).as("a read issued past the commit's budget is not tried").hasValue(first);
      barrier.await();
      assertThatThrownBy(() -> validator.read(c)).isInstanceOf(UncheckedIOException.class);
      assertThat(tried).as("the next commit has a budget of its own").hasValueGreaterThan(first);
      barrier.await();
      outage.set(false);
      down.put("d.png", new byte[] {1}, "image/png", java.util.Map.of());
      assertThat(validator.read(ref("d"))).as("storage answers again").containsExactly(1);
    }
  }

  private static ImageRef ref(String name) {
    return ImageRef.newBuilder()
        .setUri("s3://uploads/" + name + ".png")
        .setContentType("image/png")
        .setSha256("0".repeat(64))
        .build();
  }
}
