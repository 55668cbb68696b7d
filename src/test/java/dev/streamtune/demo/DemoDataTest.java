package dev.streamtune.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDataTest {

  @Test
  void aGeneratedTrainFolderIsSpreadEvenlyOverClassBalancedIncrements(@TempDir Path dir) {
    Shapes.write(dir.resolve("train"), 12, 0);
    Shapes.write(dir.resolve("test"), 3, 100);
    DemoData d = DemoData.of(dir.resolve("train"), dir.resolve("test"), 4);

    assertThat(d.labels()).containsExactlyElementsOf(Shapes.LABELS.stream().sorted().toList());
    assertThat(d.increments())
        .hasSize(4)
        .allSatisfy(
            part -> {
              assertThat(part).hasSize(3 * 8);
              assertThat(part.stream().map(DemoData::label).distinct()).hasSize(8);
            });
    assertThat(d.trainSize()).isEqualTo(96);
    assertThat(d.test()).hasSize(24);
  }

  @Test
  void theLabellingPoolIsTakenOutOfTheTestImagesClassByClassLeavingOneAtLeast(@TempDir Path dir) {
    Shapes.write(dir.resolve("train"), 4, 0);
    Shapes.write(dir.resolve("test"), 3, 100);
    DemoData d = DemoData.of(dir.resolve("train"), dir.resolve("test"), 2);

    DemoData two = d.withPool(2);
    assertThat(two.pool()).hasSize(8 * 2).doesNotContainAnyElementsOf(two.test());
    assertThat(two.test()).hasSize(8);
    assertThat(two.pool().stream().map(DemoData::label).distinct()).hasSize(8);
    assertThat(two.increments()).isEqualTo(d.increments());
    assertThat(d.withPool(5).test()).as("one test image a class stays").hasSize(8);
    assertThat(d.withPool(0).pool()).isEmpty();
  }

  @Test
  void aUserFolderIsSplitBySeedWithATestShareOfEveryClass(@TempDir Path dir) {
    Shapes.write(dir, 20, 0);
    DemoData a = DemoData.split(dir, 3, 0.15, 42);
    DemoData b = DemoData.split(dir, 3, 0.15, 42);

    assertThat(a).isEqualTo(b);
    assertThat(a.test()).hasSize(8 * 3);
    assertThat(a.trainSize()).isEqualTo(8 * 17);
    assertThat(a.increments().stream().flatMap(List::stream)).doesNotContainAnyElementsOf(a.test());
  }

  @Test
  void aFolderWithoutTwoUsableClassesIsRefusedClearly(@TempDir Path dir) throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("only"));
    java.nio.file.Files.write(dir.resolve("only/a.png"), Shapes.image("circle", 1));
    assertThatThrownBy(() -> DemoData.split(dir, 2, 0.2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least two class folders");
  }
}
