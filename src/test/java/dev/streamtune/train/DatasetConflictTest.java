package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.store.InMemoryObjectStore;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An image in two label folders (a fenced ingest instance's late write after another's relabel)
 * is counted once, under one label, and is made visible: the conflict is counted per model.
 */
class DatasetConflictTest {

  @Test
  void anImageInTwoLabelFoldersIsCountedOnceAndReportedAsAConflict() {
    InMemoryObjectStore store = new InMemoryObjectStore("streamtune");
    String sha = "a".repeat(64);
    store.put("examples/m/cat/" + sha + ".png", new byte[] {1}, "image/png", Map.of());
    store.put("examples/m/dog/" + sha + ".png", new byte[] {1}, "image/png", Map.of());
    store.put("examples/m/dog/" + "b".repeat(64) + ".png", new byte[] {2}, "image/png", Map.of());
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Metrics.addRegistry(meters);
    try {
      Dataset d = Dataset.list(store, "m", 10);
      assertThat(d.examples()).hasSize(2);
      assertThat(d.labelsBySha()).containsEntry(sha, "cat");
      assertThat(meters.counter("streamtune.train.label.conflicts", "model", "m").count()).isEqualTo(1);
    } finally {
      Metrics.removeRegistry(meters);
    }
  }
}
