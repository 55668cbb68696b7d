package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.config.ConfigException;
import dev.streamtune.store.InMemoryObjectStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BucketHistoryTest {

  @Test
  void aNewApplicationMarksItsBucket() {
    InMemoryObjectStore bucket = new InMemoryObjectStore("b");
    BucketHistory.check(bucket, "app", 0);
    assertThat(bucket.get("ingest/app")).isPresent();
    BucketHistory.check(bucket, "app", 500);
  }

  @Test
  void anApplicationWithHistoryIsRefusedANewEmptyBucket() {
    InMemoryObjectStore bucket = new InMemoryObjectStore("fresh");
    assertThatThrownBy(() -> BucketHistory.check(bucket, "app", 420))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.application.id 'app'")
        .hasMessageContaining("bucket 'fresh'")
        .hasMessageContaining("420 records");
    assertThat(bucket.get("ingest/app")).isEmpty();
  }

  @Test
  void aBucketWithExamplesFromBeforeTheMarkerIsTheApplicationsOwn() {
    InMemoryObjectStore bucket = new InMemoryObjectStore("b");
    bucket.put("examples/m/cat/abc.png", new byte[] {1}, "image/png", Map.of());
    BucketHistory.check(bucket, "app", 420);
    assertThat(bucket.get("ingest/app")).isPresent();
  }
}
