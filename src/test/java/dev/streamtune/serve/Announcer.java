package dev.streamtune.serve;

import dev.streamtune.events.Artifact;
import dev.streamtune.events.Artifacts;
import dev.streamtune.events.BaseModel;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.ExampleCounts;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.Metrics;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.Timings;
import dev.streamtune.events.TopicManager;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TrainingInfo;
import dev.streamtune.events.TrainingMode;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ml.Backbone;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.ClassifierExporter;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.Head;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.ObjectStore;
import dev.streamtune.testing.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the trainer for serve's tests: exports real classifiers (the default backbone and a random
 * head), uploads them as a version's SavedModel artifact, and announces the version on {@code
 * models.versions}, as the trainer does.
 */
final class Announcer implements AutoCloseable {
  static final List<String> LABELS = List.of("cat", "dog", "fox");
  private final ObjectStore store;
  private final String topic;
  private final SchemaRegistryClient registry;
  private final KafkaProducer<String, ModelVersion> producer;

  Announcer(Stack stack, ObjectStore store) {
    this(stack.kafka(), stack.registry(), stack.topics(), store);
  }

  /**
   * Creates the topics, as a worker does at start, then announces on {@code
   * topics.modelVersions()}.
   */
  Announcer(
      KafkaConfig kafka, RegistryConfig registryConfig, TopicNames topics, ObjectStore store) {
    try (Admin admin = Admin.create(kafka.clientProps())) {
      TopicManager.ensure(
          admin, topics, new TopicPolicy(3, (short) -1, java.time.Duration.ofHours(1)));
    }
    this.store = store;
    this.topic = topics.modelVersions();
    this.registry = new SchemaRegistryClient(registryConfig);
    Map<String, Object> p = new HashMap<>(kafka.clientProps());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            ConfluentAvroSerde.of(ModelVersion.class, registry, registryConfig).serializer());
  }

  /** A SavedModel of the default backbone and a random softmax head over {@link #LABELS}. */
  static Path export(Path dir, long seed) {
    Backbone b = BaseModels.backbone(FeatureConfig.defaults());
    int d = b.featureDims().get("out_relu");
    float[] ones = new float[d];
    java.util.Arrays.fill(ones, 1f);
    Head head = Head.initial(LABELS, "out_relu", new Head.Statistics(new float[d], ones), 0, seed);
    ClassifierExporter.export(b, head, "m", (int) seed, dir);
    return dir;
  }

  /** A 64×48 PNG of colour gradients shifted by {@code hue}: distinct images for distinct hues. */
  static byte[] png(int hue) {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, ((x * 4 + hue) & 0xff) << 16 | ((y * 5 + hue) & 0xff) << 8 | (x + y));
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Uploads {@code savedModel} under the version's run prefix and announces the version.
   *
   * @param tamper when true, the announced sha256 is not the upload's
   */
  ModelVersion announce(
      String model, int version, VersionStatus status, Path savedModel, boolean tamper) {
    ModelVersion v = upload(model, version, status, savedModel, tamper);
    producer.send(new ProducerRecord<>(topic, model + "/" + version, v));
    producer.flush();
    return v;
  }

  /**
   * Uploads {@code savedModel} under the version's run prefix and returns the version, announcing
   * nothing.
   */
  ModelVersion upload(
      String model, int version, VersionStatus status, Path savedModel, boolean tamper) {
    String prefix = "models/" + model + "/" + version + "/run-" + version + "/saved_model/";
    Map<String, String> manifest = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(savedModel)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        byte[] data = Files.readAllBytes(f);
        String rel = savedModel.relativize(f).toString().replace('\\', '/');
        store.put(prefix + rel, data, "application/octet-stream", Map.of());
        manifest.put(rel, ArtifactFiles.sha256(data));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String sha = ArtifactFiles.sha256(ArtifactFiles.manifest(manifest));
    return ModelVersion.newBuilder()
        .setModelId(model)
        .setVersion(version)
        .setStatus(status)
        .setReason(status == VersionStatus.PUBLISHED ? "test version" : "rejected by a test")
        .setCreatedAt(Instant.now())
        .setParentVersion(version > 1 ? version - 1 : null)
        .setBaseModel(new BaseModel("mobilenet_v2", "digest"))
        .setLabels(LABELS)
        .setExamples(
            ExampleCounts.newBuilder()
                .setTotal(30L)
                .setNewExamples(10L)
                .setPerLabel(Map.of("cat", 10L, "dog", 10L, "fox", 10L))
                .setTrain(27L)
                .setValidation(3L)
                .build())
        .setDatasetDigest("dataset")
        .setMetrics(
            Metrics.newBuilder()
                .setAccuracy(0.5 + version / 100.0)
                .setMacroF1(0.5)
                .setLoss(1.0)
                .setPerLabelRecall(Map.of())
                .setPerLabelPrecision(Map.of())
                .setParentAccuracy(null)
                .build())
        .setTraining(
            TrainingInfo.newBuilder()
                .setMode(TrainingMode.HEAD)
                .setFeatureLayer("out_relu")
                .setNormalizationDigest("n")
                .setColdStart(false)
                .setFeatureCacheHits(0)
                .setFeatureCacheMisses(30)
                .setRequestId("r" + version)
                .setRunId("run-" + version)
                .build())
        .setArtifacts(
            Artifacts.newBuilder()
                .setSavedModel(
                    new Artifact(ArtifactFiles.uri(store, prefix), tamper ? "0".repeat(64) : sha))
                .build())
        .setTimings(new Timings(1000L, 2000L))
        .build();
  }

  @Override
  public void close() {
    producer.close();
    registry.close();
  }
}
