package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.store.FeatureCache;
import dev.streamtune.store.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ExampleErasure}: an image leaves the examples, the caches and the model cards, of its
 * model only.
 */
class ExampleErasureTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore("b");
  private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void anImageLeavesEveryLabelFolderTheCacheAndTheModelCards() {
    byte[] gone = "image one".getBytes(StandardCharsets.UTF_8);
    byte[] kept = "image two".getBytes(StandardCharsets.UTF_8);
    String sha = Validator.sha256(gone);
    String other = Validator.sha256(kept);
    put("examples/m/cat/" + sha + ".png", gone);
    put("examples/m/dog/" + sha + ".png", gone);
    put("examples/m/cat/" + other + ".png", kept);
    put("examples/n/cat/" + sha + ".png", gone);
    FeatureCache cache = new FeatureCache(store, "d", List.of("l"), new int[] {1}, 10, clock);
    cache.write("m", Map.of(sha, new float[][] {{1f}}, other, new float[][] {{2f}}));
    String card =
        "<img src=\"data:image/png;base64,"
            + Base64.getEncoder().encodeToString(gone)
            + "\">"
            + "<img src=\"data:image/png;base64,"
            + Base64.getEncoder().encodeToString(kept)
            + "\">";
    put("models/m/1/run/model-card.html", card.getBytes(StandardCharsets.UTF_8));

    ExampleErasure.Result r =
        ExampleErasure.erase(store, "m", Set.of(sha), clock, Map.of(), Set.of());

    assertThat(r.objectsDeleted())
        .containsExactly("examples/m/cat/" + sha + ".png", "examples/m/dog/" + sha + ".png");
    assertThat(store.list("examples/"))
        .containsExactlyInAnyOrder(
            "examples/m/cat/" + other + ".png", "examples/n/cat/" + sha + ".png");
    assertThat(cache.read("m", List.of(sha, other))).containsOnlyKeys(other);
    assertThat(r.cache().entries()).isEqualTo(1);
    assertThat(r.modelCards()).isEqualTo(1);
    String scrubbed =
        new String(
            store.get("models/m/1/run/model-card.html").orElseThrow(), StandardCharsets.UTF_8);
    assertThat(scrubbed)
        .doesNotContain(Base64.getEncoder().encodeToString(gone))
        .contains(Base64.getEncoder().encodeToString(kept));
    ExampleErasure.Result again =
        ExampleErasure.erase(store, "m", Set.of(sha), clock, Map.of(), Set.of());
    assertThat(again.objectsDeleted()).isEmpty();
    assertThat(again.cache().entries()).isZero();
  }

  private void put(String key, byte[] data) {
    store.put(key, data, "application/octet-stream", Map.of());
  }
}
