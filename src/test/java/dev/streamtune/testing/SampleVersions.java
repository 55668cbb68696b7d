package dev.streamtune.testing;

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

/** Complete {@link ModelVersion} events for unit tests, with every required field set. */
public final class SampleVersions {
  private SampleVersions() {}

  /**
   * Version {@code version} of {@code model}, run {@code run-<version>}, its SavedModel under
   * {@code uri}.
   */
  public static ModelVersion of(
      String model, int version, VersionStatus status, String savedModelUri) {
    return ModelVersion.newBuilder()
        .setModelId(model)
        .setVersion(version)
        .setStatus(status)
        .setReason(status == VersionStatus.PUBLISHED ? "sample" : "rejected sample")
        .setCreatedAt(Instant.EPOCH)
        .setParentVersion(version > 1 ? version - 1 : null)
        .setBaseModel(new BaseModel("mobilenet_v2", "d"))
        .setLabels(List.of("cat", "dog"))
        .setExamples(
            ExampleCounts.newBuilder()
                .setTotal(20L)
                .setNewExamples(10L)
                .setPerLabel(Map.of())
                .setTrain(18L)
                .setValidation(2L)
                .build())
        .setDatasetDigest("x")
        .setMetrics(
            Metrics.newBuilder()
                .setAccuracy(0.9)
                .setMacroF1(0.9)
                .setLoss(0.3)
                .setPerLabelRecall(Map.of())
                .setPerLabelPrecision(Map.of())
                .setParentAccuracy(null)
                .build())
        .setTraining(
            TrainingInfo.newBuilder()
                .setMode(TrainingMode.HEAD)
                .setFeatureLayer("out_relu")
                .setNormalizationDigest("n")
                .setFeatureCacheHits(0L)
                .setFeatureCacheMisses(0L)
                .setRequestId("r")
                .setRunId("run-" + version)
                .build())
        .setArtifacts(
            Artifacts.newBuilder()
                .setSavedModel(new Artifact(savedModelUri, "0".repeat(64)))
                .build())
        .setTimings(new Timings(1000L, 2000L))
        .build();
  }
}
