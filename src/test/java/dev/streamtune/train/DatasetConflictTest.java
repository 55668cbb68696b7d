package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.store.InMemoryObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An image in two label folders (a fenced ingest instance's late write after another's relabel) is
 * counted once, under one label, and is made visible: the conflict is counted per model.
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
    TrainMetrics metrics = new TrainMetrics(meters);
    Dataset d =
        Dataset.list(store, "m", Dataset.Holdout.percent(10), () -> metrics.labelConflict("m"));
    assertThat(d.examples()).hasSize(2);
    assertThat(d.labelsBySha()).containsEntry(sha, "cat");
    assertThat(meters.counter("streamtune.train.label.conflicts", "model", "m").count())
        .isEqualTo(1);
  }

  /**
   * A fenced ingest instance's late write repeats an older label decision: the image was relabelled
   * cat (revision 2) to dog (revision 3) by the new owner, and the zombie's write of cat (revision
   * 2) landed after the new owner deleted it. Training uses dog, the higher revision, although cat
   * sorts first.
   */
  @Test
  void theHigherRevisionDecidesTheLabelOfAnImageInTwoFolders() {
    InMemoryObjectStore store = new InMemoryObjectStore("streamtune");
    String sha = "a".repeat(64);
    store.put(
        "examples/m/cat/" + sha + ".png", new byte[] {1}, "image/png", Map.of("revision", "2"));
    store.put(
        "examples/m/dog/" + sha + ".png", new byte[] {1}, "image/png", Map.of("revision", "3"));
    assertThat(Dataset.list(store, "m", 10).labelsBySha()).containsExactly(Map.entry(sha, "dog"));
    store.put(
        "examples/m/eel/" + sha + ".png", new byte[] {1}, "image/png", Map.of("revision", "1"));
    assertThat(Dataset.list(store, "m", 10).labelsBySha()).containsExactly(Map.entry(sha, "dog"));
  }
}
