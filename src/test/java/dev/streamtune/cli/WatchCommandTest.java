package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.Artifact;
import dev.streamtune.events.Artifacts;
import dev.streamtune.events.BaseModel;
import dev.streamtune.events.ExampleCounts;
import dev.streamtune.events.Metrics;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.Timings;
import dev.streamtune.events.TrainingInfo;
import dev.streamtune.events.TrainingMode;
import dev.streamtune.events.VersionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchCommandTest {
  @Test
  void oneLineSaysVersionStatusModeAccuracyParentExamplesTimeAndReason() {
    ModelVersion v =
        ModelVersion.newBuilder()
            .setModelId("pets")
            .setVersion(3)
            .setStatus(VersionStatus.PUBLISHED)
            .setReason("accuracy 0.9100 against the parent's 0.9000")
            .setCreatedAt(Instant.EPOCH)
            .setParentVersion(2)
            .setBaseModel(new BaseModel("mobilenet_v2", "d"))
            .setLabels(List.of("cat", "dog"))
            .setExamples(
                ExampleCounts.newBuilder()
                    .setTotal(1200L)
                    .setNewExamples(100L)
                    .setPerLabel(Map.of())
                    .setTrain(1080L)
                    .setValidation(120L)
                    .build())
            .setDatasetDigest("x")
            .setMetrics(
                Metrics.newBuilder()
                    .setAccuracy(0.91)
                    .setMacroF1(0.9)
                    .setLoss(0.3)
                    .setPerLabelRecall(Map.of())
                    .setPerLabelPrecision(Map.of())
                    .setParentAccuracy(0.90)
                    .build())
            .setTraining(
                TrainingInfo.newBuilder()
                    .setMode(TrainingMode.TOP)
                    .setFeatureLayer("out_relu")
                    .setNormalizationDigest("n")
                    .setFeatureCacheHits(0L)
                    .setFeatureCacheMisses(0L)
                    .setRequestId("r")
                    .setRunId("run")
                    .build())
            .setArtifacts(
                Artifacts.newBuilder()
                    .setSavedModel(new Artifact("s3://b/k/", "0".repeat(64)))
                    .build())
            .setTimings(new Timings(12_500L, 13_000L))
            .build();
    assertThat(WatchCommand.line(v))
        .isEqualTo(
            "pets version 3 PUBLISHED TOP accuracy 0.9100 (parent 2: 0.9000), "
                + "1200 examples, trained in 12.5 s: accuracy 0.9100 against the parent's 0.9000");
  }
}
