package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@link StateBinding} trusts: only state recorded for the same cluster, bucket and
 * changelogs.
 */
class StateBindingTest {
  private static final Path ROOT = Path.of("/var/streamtune/state");
  private static final URI ENDPOINT = URI.create("http://127.0.0.1:9000");
  private static final String CHANGELOG = "topic.streamtune-ingest-examples-changelog";

  private static Map<String, String> cluster(String clusterId, String changelogId) {
    Map<String, String> m =
        new HashMap<>(
            Map.of(
                "cluster.id",
                clusterId,
                "s3.endpoint",
                ENDPOINT.toString(),
                "s3.bucket",
                "streamtune"));
    m.put(CHANGELOG, changelogId);
    return m;
  }

  @Test
  void eachClusterEndpointAndBucketHasADirectoryOfItsOwnUnderTheConfiguredOne() {
    Path a = StateBinding.directory(ROOT, "MkU3OEVBNTcwNTJENDM2Qk", ENDPOINT, "streamtune");
    assertThat(a.getParent().getParent()).isEqualTo(ROOT);
    assertThat(a.getParent().getFileName()).hasToString("MkU3OEVBNTcwNTJENDM2Qk");
    assertThat(a.getFileName().toString()).startsWith("streamtune-");
    assertThat(StateBinding.directory(ROOT, "MkU3OEVBNTcwNTJENDM2Qk", ENDPOINT, "streamtune"))
        .isEqualTo(a);
    assertThat(
            List.of(
                StateBinding.directory(ROOT, "Other0VBNTcwNTJENDM2Qk", ENDPOINT, "streamtune"),
                StateBinding.directory(
                    ROOT,
                    "MkU3OEVBNTcwNTJENDM2Qk",
                    URI.create("https://s3.example.com"),
                    "streamtune"),
                StateBinding.directory(ROOT, "MkU3OEVBNTcwNTJENDM2Qk", ENDPOINT, "streamtune-b")))
        .doesNotContain(a)
        .doesNotHaveDuplicates();
  }

  @Test
  void aClusterIdCannotLeaveTheConfiguredDirectory() {
    Path dir = StateBinding.directory(ROOT, "../../etc", ENDPOINT, "streamtune").normalize();
    assertThat(dir.getParent().getParent()).isEqualTo(ROOT);
    assertThat(dir.getParent().getFileName()).hasToString("______etc");
  }

  @Test
  void freshStateNeedsNoMarkerButStateWithoutOneIsDiscarded() {
    assertThat(StateBinding.mismatch(null, false, cluster("c1", "t1"))).isEmpty();
    assertThat(StateBinding.mismatch(null, true, cluster("c1", "t1")))
        .get()
        .asString()
        .contains("records no cluster");
  }

  @Test
  void stateRecordedForTheSameClusterBucketAndChangelogsIsKept() {
    assertThat(StateBinding.mismatch(cluster("c1", "t1"), true, cluster("c1", "t1"))).isEmpty();
  }

  @Test
  void stateOfAnotherClusterIsDiscardedSayingWhich() {
    assertThat(StateBinding.mismatch(cluster("c1", "t1"), true, cluster("c2", "t1")))
        .isEqualTo(Optional.of("it belongs to cluster.id c1, the cluster has c2"));
  }

  @Test
  void stateOfAnotherBucketOrEndpointIsDiscarded() {
    Map<String, String> other = cluster("c1", "t1");
    other.put("s3.bucket", "streamtune-b");
    assertThat(StateBinding.mismatch(cluster("c1", "t1"), true, other))
        .get()
        .asString()
        .contains("s3.bucket");
    other = cluster("c1", "t1");
    other.put("s3.endpoint", "https://s3.example.com");
    assertThat(StateBinding.mismatch(cluster("c1", "t1"), true, other))
        .get()
        .asString()
        .contains("s3.endpoint");
  }

  @Test
  void aRecreatedDeletedOrUnrecordedChangelogDiscardsTheState() {
    assertThat(StateBinding.mismatch(cluster("c1", "t1"), true, cluster("c1", "t2")))
        .isEqualTo(Optional.of("it belongs to " + CHANGELOG + " t1, the cluster has t2"));
    assertThat(StateBinding.mismatch(cluster("c1", "t1"), true, cluster("c1", StateBinding.ABSENT)))
        .isEqualTo(Optional.of("it belongs to " + CHANGELOG + " t1, the cluster has none"));
    assertThat(StateBinding.mismatch(cluster("c1", StateBinding.ABSENT), true, cluster("c1", "t1")))
        .isEqualTo(Optional.of("it belongs to " + CHANGELOG + " none, the cluster has t1"));
  }
}
