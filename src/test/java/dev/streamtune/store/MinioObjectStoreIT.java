package dev.streamtune.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@WithStack
class MinioObjectStoreIT {

  @Test
  void listReturnsEveryKeyUnderThePrefixAtAnyDepthSortedAndNothingBeside(Stack stack) {
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        keys.add("examples/m/label" + (i % 6) + "/" + String.format("%03d", i) + ".png");
      }
      keys.add("examples/m/top-level.txt");
      keys.add("examples/m/a/b/c/deep.bin");
      List<String> others =
          List.of("examples/m2/label0/x.png", "examples/mm.txt", "models/m/1/LATEST");
      for (String k : keys) {
        s3.put(
            k,
            k.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "application/octet-stream",
            Map.of());
      }
      for (String k : others) {
        s3.put(
            k,
            k.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "application/octet-stream",
            Map.of());
      }

      assertThat(s3.list("examples/m/")).containsExactlyElementsOf(keys.stream().sorted().toList());
      assertThat(s3.list("examples/m/label3/"))
          .hasSize(5)
          .allMatch(k -> k.startsWith("examples/m/label3/"));
      assertThat(s3.list("examples/m"))
          .hasSize(keys.size() + 2)
          .contains("examples/m2/label0/x.png", "examples/mm.txt");
      assertThat(s3.list("examples/none/")).isEmpty();
    }
  }

  @Test
  void getAtMostReadsNoMoreThanTheLimitPlusOneByte(Stack stack) {
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      byte[] data = new byte[100_000];
      new java.util.Random(1).nextBytes(data);
      s3.put("uploads/limit.bin", data, "application/octet-stream", Map.of());
      assertThat(s3.getAtMost("uploads/limit.bin", 100_000)).contains(data);
      assertThat(s3.getAtMost("uploads/limit.bin", 99_999).orElseThrow()).hasSize(100_000);
      assertThat(s3.getAtMost("uploads/limit.bin", 10).orElseThrow()).hasSize(11);
      assertThat(s3.getAtMost("uploads/none.bin", 10)).isEmpty();
    }
  }

  @Test
  void metadataReadsAnObjectsUserMetadataWithoutItsBytes(Stack stack) {
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      s3.put(
          "uploads/meta.bin",
          new byte[] {1, 2},
          "application/octet-stream",
          Map.of("revision", "7", "Event-Id", "e-1"));
      assertThat(s3.metadata("uploads/meta.bin").orElseThrow())
          .containsEntry("revision", "7")
          .containsEntry("event-id", "e-1");
      assertThat(s3.metadata("uploads/none.bin")).isEmpty();
    }
  }
}
