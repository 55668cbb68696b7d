package dev.streamtune.worker;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.feedback.FeedbackConfig;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.serve.ServeConfig;
import dev.streamtune.train.TrainConfig;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a {@link Worker} runs and each role's settings; the settings of a role it does not run are
 * ignored.
 *
 * @param roles the roles, started in the order ingest, train, serve, feedback
 * @param ingest ingest's settings
 * @param train the trainer's settings
 * @param features the base model the trainer computes features with
 * @param serve serve's settings
 * @param feedback the feedback role's settings
 * @param policy the partitions, replication and retention of the topics the roles create
 * @param workDir the trainer's scratch folder, or null for a new temporary one
 */
public record WorkerConfig(
    Set<Role> roles,
    IngestConfig ingest,
    TrainConfig train,
    FeatureConfig features,
    ServeConfig serve,
    FeedbackConfig feedback,
    TopicPolicy policy,
    Path workDir) {
  /** Checks that there is a role to run. */
  public WorkerConfig {
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("A worker needs at least one role");
    }
    roles = Set.copyOf(EnumSet.copyOf(roles));
  }

  /**
   * Reads every role's settings.
   *
   * @param roles the roles' names on the command line
   * @throws dev.streamtune.config.ConfigException for an unknown role or a bad setting
   */
  public static WorkerConfig from(ConfigSource s, Collection<String> roles) {
    EnumSet<Role> set = EnumSet.noneOf(Role.class);
    roles.forEach(r -> set.add(Role.parse(r)));
    return new WorkerConfig(
        set,
        set.contains(Role.INGEST) ? IngestConfig.from(s) : IngestConfig.defaults(),
        set.contains(Role.TRAIN) ? TrainConfig.from(s) : TrainConfig.defaults(),
        set.contains(Role.TRAIN) ? FeatureConfig.from(s) : FeatureConfig.defaults(),
        set.contains(Role.SERVE) ? ServeConfig.from(s) : ServeConfig.defaults(),
        set.contains(Role.FEEDBACK) ? FeedbackConfig.from(s) : FeedbackConfig.defaults(),
        TopicPolicy.from(s),
        set.contains(Role.TRAIN) && !s.get(TrainConfig.WORK_DIR).isBlank()
            ? Path.of(s.get(TrainConfig.WORK_DIR))
            : null);
  }

  /** Whether it runs {@code role}. */
  public boolean runs(Role role) {
    return roles.contains(role);
  }
}
