package dev.streamtune.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Streamtune's topics when they are missing, and refuses a cluster whose existing topics
 * would break the design: a {@code models.versions} that is not compacted would lose versions, a
 * {@code models.champions} of more than one partition would lose the order of a model's decisions,
 * and input topics with fewer partitions than configured would cap the parallelism silently.
 */
public final class TopicManager {
  private static final Duration METADATA_WAIT = Duration.ofSeconds(30);

  /**
   * What {@link #ensure} did.
   *
   * @param created topics it created
   * @param checked topics that existed and passed the checks
   */
  public record Report(List<String> created, List<String> checked) {}

  /**
   * An existing topic as the cluster describes it.
   *
   * @param name the topic
   * @param partitions its partition count
   * @param replicas replicas of its first partition
   * @param configs its effective configs
   */
  public record TopicState(
      String name, int partitions, int replicas, Map<String, String> configs) {}

  private TopicManager() {}

  /**
   * Creates missing topics and checks existing ones.
   *
   * @throws IllegalStateException naming the topic and the fix when a topic is misconfigured
   */
  public static Report ensure(Admin admin, TopicNames names, TopicPolicy policy) {
    List<NewTopic> wanted = wanted(names, policy);
    List<String> created = createMissing(admin, wanted);
    List<String> all = wanted.stream().map(NewTopic::name).toList();
    Map<String, TopicState> states = describe(admin, all);
    for (String n : all) {
      check(states.get(n), names, policy);
    }
    return new Report(created, all.stream().filter(n -> !created.contains(n)).toList());
  }

  /** Creates the topics that do not exist yet; returns the names it created. */
  public static List<String> createMissing(Admin admin, List<NewTopic> topics) {
    List<String> created = new ArrayList<>();
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return created;
      }
      for (var e : admin.createTopics(missing).values().entrySet()) {
        try {
          e.getValue().get();
          created.add(e.getKey());
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw ex;
          }
        }
      }
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Cannot create topics "
              + topics.stream().map(NewTopic::name).toList()
              + ": "
              + e.getCause().getMessage(),
          e);
    }
  }

  /**
   * Describes topics, waiting out the moments after a creation when the cluster does not know them
   * everywhere yet.
   */
  public static Map<String, TopicState> describe(Admin admin, Collection<String> topics) {
    long deadline = System.nanoTime() + METADATA_WAIT.toNanos();
    while (true) {
      try {
        return describeOnce(admin, topics);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Cannot describe topics " + topics + ": " + e.getCause().getMessage(), e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while describing topics", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while describing topics", e);
      }
    }
  }

  private static Map<String, TopicState> describeOnce(Admin admin, Collection<String> topics)
      throws InterruptedException, ExecutionException {
    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
    List<ConfigResource> res =
        topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<String, TopicState> out = new HashMap<>();
    admin
        .describeConfigs(res)
        .all()
        .get()
        .forEach(
            (r, c) -> {
              Map<String, String> configs = new HashMap<>();
              for (ConfigEntry e : c.entries()) {
                if (e.value() != null) {
                  configs.put(e.name(), e.value());
                }
              }
              TopicDescription d = described.get(r.name());
              out.put(
                  r.name(),
                  new TopicState(
                      r.name(),
                      d.partitions().size(),
                      d.partitions().get(0).replicas().size(),
                      Map.copyOf(configs)));
            });
    return out;
  }

  static List<NewTopic> wanted(TopicNames names, TopicPolicy policy) {
    Optional<Integer> p = Optional.of(policy.partitions());
    Optional<Short> rf =
        policy.replicationFactor() == -1
            ? Optional.empty()
            : Optional.of(policy.replicationFactor());
    return List.of(
        new NewTopic(names.labelledImages(), p, rf),
        new NewTopic(names.deadLetters(), p, rf),
        new NewTopic(names.trainingRequests(), p, rf),
        new NewTopic(names.modelVersions(), p, rf)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
        new NewTopic(names.trainingStatus(), p, rf)
            .configs(
                Map.of(
                    TopicConfig.RETENTION_MS_CONFIG,
                    String.valueOf(policy.statusRetention().toMillis()))),
        new NewTopic(names.exampleIndex(), p, rf)
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.DELETE_RETENTION_MS_CONFIG,
                    String.valueOf(ExampleIndexEntry.TOMBSTONE_RETENTION.toMillis()))),
        new NewTopic(names.predictions(), p, rf),
        new NewTopic(names.labellingRequests(), p, rf),
        new NewTopic(names.championDecisions(), Optional.of(1), rf)
            .configs(
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
  }

  static void check(TopicState t, TopicNames names, TopicPolicy policy) {
    String name = t.name();
    if (name.equals(names.modelVersions())
        || name.equals(names.exampleIndex())
        || name.equals(names.championDecisions())) {
      String cleanup = t.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
      if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(cleanup)) {
        throw new IllegalStateException(
            "Topic "
                + name
                + " has cleanup.policy="
                + cleanup
                + ", but it must be "
                + "compact alone: with deletion, "
                + (name.equals(names.exampleIndex())
                    ? "index records would vanish before every trainer read them"
                    : name.equals(names.modelVersions())
                        ? "old model versions would vanish for new subscribers"
                        : "a model's champion would be forgotten and serve would fall back to a "
                            + "version nobody chose")
                + ". Fix it with "
                + "kafka-configs --alter --entity-type topics --entity-name "
                + name
                + " --add-config cleanup.policy=compact");
      }
    }
    if (name.equals(names.championDecisions()) && t.partitions() != 1) {
      throw new IllegalStateException(
          "Topic "
              + name
              + " has "
              + t.partitions()
              + " partitions, but it must have 1: serve folds a model's champion decisions in "
              + "the order they were written, which only one partition keeps. Delete it and let "
              + "Streamtune create it (the decisions are only lost if no version was decided yet), "
              + "or create it with kafka-topics --create --partitions 1 --config "
              + "cleanup.policy=compact");
    }
    if ((name.equals(names.labelledImages()) || name.equals(names.trainingRequests()))
        && t.partitions() < policy.partitions()) {
      throw new IllegalStateException(
          "Topic "
              + name
              + " has "
              + t.partitions()
              + " partitions, fewer than "
              + "topic.partitions="
              + policy.partitions()
              + ". Add partitions (kafka-topics --alter --partitions "
              + policy.partitions()
              + ") or set topic.partitions to "
              + t.partitions()
              + ".");
    }
    if (policy.replicationFactor() > 0 && t.replicas() < policy.replicationFactor()) {
      throw new IllegalStateException(
          "Topic "
              + name
              + " has "
              + t.replicas()
              + " replicas, fewer than "
              + "topic.replication.factor="
              + policy.replicationFactor());
    }
  }
}
