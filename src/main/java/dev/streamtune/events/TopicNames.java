package dev.streamtune.events;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.util.List;

/**
 * The topic names of DESIGN.md, each configurable, all behind one optional prefix.
 *
 * @param labelledImages input {@code LabelledImage} events
 * @param deadLetters records ingest could not accept, with headers saying why
 * @param trainingRequests {@code TrainingRequest}s keyed by model id
 * @param modelVersions compacted {@code ModelVersion}s keyed {@code modelId/version}
 * @param trainingStatus the trainer's live progress
 * @param exampleIndex compacted {@link ExampleIndexEntry}s keyed {@code modelId/sha256}: every
 *     stored example's label, written by ingest as it stores, read by the trainers instead of
 *     listing the bucket
 * @param predictions sampled {@code Prediction}s keyed by model id: what served models answered
 * @param labellingRequests {@code LabellingRequest}s keyed by model id: images worth labelling
 * @param championDecisions compacted {@code ChampionDecision}s of one partition, keyed {@code
 *     {modelId}/{challenger}/{decidedBy}}: which version serve answers with while it runs a
 *     challenger
 */
public record TopicNames(
    String labelledImages,
    String deadLetters,
    String trainingRequests,
    String modelVersions,
    String trainingStatus,
    String exampleIndex,
    String predictions,
    String labellingRequests,
    String championDecisions) {

  private static final String LEGAL = "[A-Za-z0-9._-]{1,200}";

  /** Prefix put before every name, such as {@code team-a.}; empty by default. */
  public static final Setting<String> PREFIX =
      new Setting<>(
          "topic.prefix",
          "prefix put before every topic name",
          "",
          s -> s,
          s -> s.isEmpty() || s.matches(LEGAL),
          "may hold only A-Z a-z 0-9 . _ -",
          false,
          false);

  /** Input topic. */
  public static final Setting<String> LABELLED_IMAGES =
      name("topic.images", "images.labelled", "topic of labelled-image events");

  /** Dead letters. */
  public static final Setting<String> DEAD_LETTERS =
      name(
          "topic.dead.letters",
          "images.labelled.dlq",
          "dead-letter topic for records ingest refuses");

  /** Training requests. */
  public static final Setting<String> TRAINING_REQUESTS =
      name("topic.training.requests", "training.requests", "topic of training requests");

  /** Model versions. */
  public static final Setting<String> MODEL_VERSIONS =
      name("topic.model.versions", "models.versions", "compacted topic of model-version events");

  /** Training status. */
  public static final Setting<String> TRAINING_STATUS =
      name("topic.training.status", "training.status", "topic of live training progress");

  /** Example index. */
  public static final Setting<String> EXAMPLE_INDEX =
      name(
          "topic.example.index",
          "examples.index",
          "compacted topic of every stored example's label, which trainers read instead of listing "
              + "the bucket");

  /** Predictions. */
  public static final Setting<String> PREDICTIONS =
      name(
          "topic.predictions",
          "predictions",
          "topic of sampled classifications served (serve.predictions.sample)");

  /** Labelling requests. */
  public static final Setting<String> LABELLING_REQUESTS =
      name(
          "topic.labelling.requests",
          "labelling.requests",
          "topic of labelling requests: uncertain predictions worth labelling, within the daily "
              + "budget (feedback.labelling.daily)");

  /** Champion decisions. */
  public static final Setting<String> CHAMPION_DECISIONS =
      name(
          "topic.models.champions",
          "models.champions",
          "compacted topic of champion decisions: which version of a model serve answers with "
              + "while it runs a challenger (serve.challenger.mode)");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          PREFIX,
          LABELLED_IMAGES,
          DEAD_LETTERS,
          TRAINING_REQUESTS,
          MODEL_VERSIONS,
          TRAINING_STATUS,
          EXAMPLE_INDEX,
          PREDICTIONS,
          LABELLING_REQUESTS,
          CHAMPION_DECISIONS);

  /** Checks that each name is a legal Kafka topic name. */
  public TopicNames {
    for (String n :
        List.of(
            labelledImages,
            deadLetters,
            trainingRequests,
            modelVersions,
            trainingStatus,
            exampleIndex,
            predictions,
            labellingRequests,
            championDecisions)) {
      if (n == null || !n.matches(LEGAL) || n.equals(".") || n.equals("..")) {
        throw new IllegalArgumentException("illegal topic name " + n);
      }
    }
  }

  /** The names of DESIGN.md, without a prefix. */
  public static TopicNames defaults() {
    return withPrefix("");
  }

  /** The names of DESIGN.md behind a prefix, such as {@code team-a.}. */
  public static TopicNames withPrefix(String prefix) {
    return from(ConfigSource.ofSettings(java.util.Map.of(PREFIX.key(), prefix)));
  }

  /** Reads the names and the prefix from a source. */
  public static TopicNames from(ConfigSource source) {
    String p = source.get(PREFIX);
    return new TopicNames(
        p + source.get(LABELLED_IMAGES),
        p + source.get(DEAD_LETTERS),
        p + source.get(TRAINING_REQUESTS),
        p + source.get(MODEL_VERSIONS),
        p + source.get(TRAINING_STATUS),
        p + source.get(EXAMPLE_INDEX),
        p + source.get(PREDICTIONS),
        p + source.get(LABELLING_REQUESTS),
        p + source.get(CHAMPION_DECISIONS));
  }

  private static Setting<String> name(String key, String def, String description) {
    return Setting.string(key, def, description)
        .must(s -> s.matches(LEGAL), "may hold only A-Z a-z 0-9 . _ -");
  }
}
