package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shape of a background consolidation cycle: its size in chunks and steps, when one is due, how
 * it grows with the data, and each chunk's draw (class-balanced, repeatable, different per chunk).
 */
class ConsolidationPlanTest {
  @Test
  void aCycleMakesItsPassesInChunksWithAWarmUpOfATwentiethAtLeastTheConfiguredOne() {
    ConsolidationPlan p = ConsolidationPlan.of(54_000, 2.5, 3_000, 32, 20);
    assertThat(p.chunks()).isEqualTo(45);
    assertThat(p.chunkSamples()).isEqualTo(3_000);
    assertThat(p.totalSteps()).isEqualTo(45L * 94);
    assertThat(p.warmupSteps()).isEqualTo(45L * 94 / 20);

    ConsolidationPlan small = ConsolidationPlan.of(41, 4, 48, 16, 4);
    assertThat(small.chunkSamples()).as("a chunk draws no more than there are").isEqualTo(41);
    assertThat(small.chunks()).isEqualTo(4);
    assertThat(small.totalSteps()).isEqualTo(4 * 3);
    assertThat(small.warmupSteps()).as("the configured warm-up when it is longer").isEqualTo(4);
  }

  @Test
  void aCycleIsDueOnceTheExamplesGrewByTheFactorSinceTheLastFullFitOrWhenThatIsUnknown() {
    assertThat(ConsolidationPlan.due(14_999, 10_000, 1.5)).isFalse();
    assertThat(ConsolidationPlan.due(15_000, 10_000, 1.5)).isTrue();
    assertThat(ConsolidationPlan.due(100, 0, 1.5))
        .as("a lineage from before full-fit sizes")
        .isTrue();
  }

  @Test
  void aCycleGrowsWithTheDataButNeverShrinksAndKeepsItsWarmUp() {
    ConsolidationPlan p = ConsolidationPlan.of(40_000, 2.5, 3_000, 32, 20);
    assertThat(p.chunks()).isEqualTo(34);
    ConsolidationPlan grown = p.grown(58_000, 2.5, 32);
    assertThat(grown.chunks()).isEqualTo(49);
    assertThat(grown.totalSteps()).isEqualTo(49L * 94);
    assertThat(grown.warmupSteps()).isEqualTo(p.warmupSteps());
    assertThat(p.grown(30_000, 2.5, 32)).isSameAs(p);
  }

  @Test
  void eachChunkIsAClassBalancedRepeatableShuffledDrawThatDiffersFromChunkToChunk() {
    List<Dataset.Example> train = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      train.add(new Dataset.Example("sha" + i, i % 9 < 6 ? "common" : "rare-" + (i % 3), "k" + i));
    }
    ConsolidationPlan p = ConsolidationPlan.of(train.size(), 2, 300, 32, 0);
    List<Dataset.Example> c0 = p.chunk(train, 42, 0);
    assertThat(c0).hasSize(300).doesNotHaveDuplicates();
    assertThat(p.chunk(train, 42, 0)).as("the same draw again").isEqualTo(c0);
    assertThat(p.chunk(train, 42, 1)).isNotEqualTo(c0);
    assertThat(p.chunk(train, 43, 0)).isNotEqualTo(c0);
    Map<String, Long> perLabel =
        c0.stream().collect(Collectors.groupingBy(Dataset.Example::label, Collectors.counting()));
    assertThat(perLabel).containsOnlyKeys("common", "rare-0", "rare-1", "rare-2");
    assertThat(perLabel.values()).containsOnly(75L);
    assertThat(c0)
        .as("shuffled, not in the dataset's order")
        .isNotEqualTo(train.stream().filter(c0::contains).toList());
  }

  @Test
  void refusesAnEmptyPlan() {
    assertThatThrownBy(() -> new ConsolidationPlan(0, 1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
