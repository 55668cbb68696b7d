package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.testing.SampleVersions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Rollback#plan}: which version a rollback publishes, and which it refuses. */
class RollbackTest {
  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

  @Test
  void aRollbackIsANewHighestVersionWithTheTargetsArtifacts() {
    List<ModelVersion> log =
        List.of(
            version(1, VersionStatus.PUBLISHED),
            version(2, VersionStatus.PUBLISHED),
            version(3, VersionStatus.REJECTED));
    ModelVersion v = Rollback.plan("m", log, 1, "v2 misroutes cats", NOW).orElseThrow();
    assertThat(v.getVersion()).isEqualTo(4);
    assertThat(v.getStatus()).isEqualTo(VersionStatus.PUBLISHED);
    assertThat(v.getReason()).isEqualTo("ROLLBACK to v1 by operator: v2 misroutes cats");
    assertThat(v.getParentVersion()).isEqualTo(1);
    assertThat(v.getCreatedAt()).isEqualTo(NOW);
    assertThat(v.getArtifacts()).isEqualTo(log.get(0).getArtifacts());
    assertThat(v.getTraining().getRunId()).isEqualTo("run-1");
    assertThat(v.getTraining().getRequestId()).isEqualTo("rollback-m-4");
    assertThat(v.getDatasetDigest()).isEqualTo(log.get(0).getDatasetDigest());
    assertThat(v.getMetrics()).isEqualTo(log.get(0).getMetrics());
    assertThat(log.get(0).getVersion()).as("the target's event is not changed").isEqualTo(1);
  }

  @Test
  void aRollbackToTheVersionAlreadyServedPublishesNothing() {
    List<ModelVersion> log =
        List.of(version(1, VersionStatus.PUBLISHED), version(2, VersionStatus.PUBLISHED));
    assertThat(Rollback.plan("m", log, 2, "", NOW)).isEmpty();
    ModelVersion again = Rollback.plan("m", log, 1, "", NOW).orElseThrow();
    assertThat(Rollback.plan("m", List.of(log.get(0), log.get(1), again), 1, "", NOW))
        .as("version 3 already serves version 1's artifacts")
        .isEmpty();
  }

  @Test
  void aRejectedOrUnknownVersionIsRefused() {
    List<ModelVersion> log =
        List.of(version(1, VersionStatus.PUBLISHED), version(2, VersionStatus.REJECTED));
    assertThatThrownBy(() -> Rollback.plan("m", log, 2, "", NOW))
        .isInstanceOf(Rollback.Refused.class)
        .hasMessageContaining("REJECTED")
        .hasMessageContaining("rejected by a test");
    assertThatThrownBy(() -> Rollback.plan("m", log, 7, "", NOW))
        .isInstanceOf(Rollback.Refused.class)
        .hasMessageContaining("no version 7")
        .hasMessageContaining("[1 PUBLISHED, 2 REJECTED]");
    assertThatThrownBy(() -> Rollback.plan("m", List.of(), 1, "", NOW))
        .isInstanceOf(Rollback.Refused.class)
        .hasMessageContaining("no versions at all");
  }

  private static ModelVersion version(int n, VersionStatus status) {
    return ModelVersion.newBuilder(
            SampleVersions.of(
                "m", n, status, "s3://b/models/m/" + n + "/run-" + n + "/saved_model/"))
        .setReason(status == VersionStatus.PUBLISHED ? "" : "rejected by a test")
        .setDatasetDigest("dataset-" + n)
        .build();
  }
}
