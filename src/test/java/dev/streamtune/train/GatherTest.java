package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.store.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatherTest {

  @Test
  void aRoundStopsDownloadingOnceItHoldsTheByteBudget() {
    InMemoryObjectStore store = new InMemoryObjectStore("test");
    List<Dataset.Example> examples = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String key = "img/" + i;
      store.put(key, new byte[100 + i], "image/png", Map.of());
      examples.add(new Dataset.Example(String.format("%064x", i), "x", key));
    }
    List<Integer> roundBytes = new ArrayList<>();
    Map<String, Integer> cache = new HashMap<>();
    Gather<Integer> gather = new Gather<>(store, (model, shas) -> Map.of(), (model, values) -> cache.putAll(values),
        images -> {
          roundBytes.add(images.stream().mapToInt(b -> b.length).sum());
          return images.stream().map(b -> b.length).toList();
        });
    List<Integer> progress = new ArrayList<>();
    var result = gather.gather("m", examples, 256, 250, progress::add);
    assertThat(roundBytes).containsExactly(303, 312, 321, 109);
    assertThat(roundBytes).allSatisfy(b -> assertThat(b).isLessThan(250 + 110));
    assertThat(progress).containsExactly(3, 6, 9, 10);
    assertThat(result.values()).hasSize(10).isEqualTo(cache);
    assertThat(result.values().get(String.format("%064x", 7))).isEqualTo(107);
    assertThat(result.misses()).isEqualTo(10);
  }

  @Test
  void theImageCountStillBoundsARound() {
    InMemoryObjectStore store = new InMemoryObjectStore("test");
    List<Dataset.Example> examples = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      store.put("img/" + i, new byte[10], "image/png", Map.of());
      examples.add(new Dataset.Example(String.format("%064x", i), "x", "img/" + i));
    }
    List<Integer> rounds = new ArrayList<>();
    new Gather<Integer>(store, (model, shas) -> Map.of(), (model, values) -> { }, images -> {
      rounds.add(images.size());
      return images.stream().map(b -> b.length).toList();
    }).gather("m", examples, 2, Long.MAX_VALUE, n -> { });
    assertThat(rounds).containsExactly(2, 2, 1);
  }
}
