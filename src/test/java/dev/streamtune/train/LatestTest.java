package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.VersionStatus;
import dev.streamtune.store.InMemoryObjectStore;
import dev.streamtune.testing.SampleVersions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LatestTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore("b");

  @Test
  void writesTheVersionRunAndSavedModelAndReadsTheVersionBack() {
    Latest.write(
        store,
        SampleVersions.of("m", 3, VersionStatus.PUBLISHED, "s3://b/models/m/3/run-3/saved_model/"));
    String json = new String(store.get("models/m/LATEST").orElseThrow(), StandardCharsets.UTF_8);
    assertThat(json)
        .isEqualTo(
            "{\"version\":3,\"runId\":\"run-3\",\"savedModel\":"
                + "\"s3://b/models/m/3/run-3/saved_model/\"}\n");
    assertThat(Latest.version(store.get("models/m/LATEST"))).isEqualTo(3);
    assertThat(Latest.version(Optional.empty())).isZero();
    assertThat(Latest.version(Optional.of("not json".getBytes(StandardCharsets.UTF_8)))).isZero();
  }

  @Test
  void aWriteNeverMovesLatestBack() {
    Latest.write(store, SampleVersions.of("m", 8, VersionStatus.PUBLISHED, "s3://b/rollback/"));
    Latest.write(store, SampleVersions.of("m", 7, VersionStatus.PUBLISHED, "s3://b/late/"));
    assertThat(Latest.version(store.get("models/m/LATEST"))).isEqualTo(8);
    Latest.write(store, SampleVersions.of("m", 9, VersionStatus.PUBLISHED, "s3://b/next/"));
    assertThat(Latest.version(store.get("models/m/LATEST"))).isEqualTo(9);
  }

  @Test
  void repairBringsAMissingOrLaggingLatestLevelAndNeverMovesOneBack() {
    Latest.write(store, SampleVersions.of("behind", 1, VersionStatus.PUBLISHED, "s3://b/x/"));
    Latest.write(store, SampleVersions.of("ahead", 5, VersionStatus.PUBLISHED, "s3://b/y/"));
    int repaired =
        Latest.repair(
            store,
            List.of(
                SampleVersions.of("missing", 2, VersionStatus.PUBLISHED, "s3://b/z/"),
                SampleVersions.of("behind", 4, VersionStatus.PUBLISHED, "s3://b/x/"),
                SampleVersions.of("ahead", 3, VersionStatus.PUBLISHED, "s3://b/y/")));
    assertThat(repaired).isEqualTo(2);
    assertThat(Latest.version(store.get("models/missing/LATEST"))).isEqualTo(2);
    assertThat(Latest.version(store.get("models/behind/LATEST"))).isEqualTo(4);
    assertThat(Latest.version(store.get("models/ahead/LATEST")))
        .as("a newer LATEST stays")
        .isEqualTo(5);
    assertThat(
            Latest.repair(
                store,
                List.of(SampleVersions.of("behind", 4, VersionStatus.PUBLISHED, "s3://b/x/"))))
        .as("idempotent")
        .isZero();
  }
}
