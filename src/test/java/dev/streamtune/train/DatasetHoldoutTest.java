package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetHoldoutTest {
  private static List<Dataset.Example> examples(String label, int from, int to) {
    List<Dataset.Example> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      byte[] h = Digests.sha256().digest((label + i).getBytes(StandardCharsets.UTF_8));
      String sha = HexFormat.of().formatHex(h);
      out.add(new Dataset.Example(sha, label, "examples/m/" + label + "/" + sha + ".png"));
    }
    return out;
  }

  @Test
  void aCappedLabelKeepsItsSmallestHashesInValidationAndTrainsTheRest() {
    List<Dataset.Example> all = new ArrayList<>(examples("cat", 0, 2000));
    all.addAll(examples("dog", 0, 30));
    Dataset uncapped = Dataset.of("m", all, new Dataset.Holdout(10, 0));
    Dataset capped = Dataset.of("m", all, new Dataset.Holdout(10, 50));
    List<String> catVal =
        uncapped.validationExamples().stream()
            .filter(e -> e.label().equals("cat"))
            .map(Dataset.Example::sha256)
            .sorted()
            .toList();
    assertThat(catVal.size()).isGreaterThan(150);
    assertThat(capped.validationExamples())
        .filteredOn(e -> e.label().equals("cat"))
        .extracting(Dataset.Example::sha256)
        .containsExactlyElementsOf(catVal.subList(0, 50));
    assertThat(capped.validationExamples())
        .filteredOn(e -> e.label().equals("dog"))
        .containsExactlyElementsOf(
            uncapped.validationExamples().stream().filter(e -> e.label().equals("dog")).toList());
    assertThat(capped.train().size() + capped.validationExamples().size()).isEqualTo(2030);
    assertThat(capped.without(Set.of(catVal.get(0))).holdout()).isEqualTo(capped.holdout());
  }

  @Test
  void asALabelGrowsUnderTheCapNoTrainingImageEverMovesIntoValidation() {
    Dataset.Holdout holdout = new Dataset.Holdout(10, 20);
    Set<String> trainedOn = new HashSet<>();
    List<Dataset.Example> all = new ArrayList<>(examples("dog", 0, 10));
    for (int n = 0; n < 3000; n += 250) {
      all.addAll(examples("cat", n, n + 250));
      Dataset d = Dataset.of("m", all, holdout);
      assertThat(d.validation()).noneMatch(trainedOn::contains);
      assertThat(d.validationExamples())
          .filteredOn(e -> e.label().equals("cat"))
          .hasSizeLessThanOrEqualTo(20);
      d.train().forEach(e -> trainedOn.add(e.sha256()));
    }
    assertThat(trainedOn).hasSizeGreaterThan(2900);
  }
}
