package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * {@link Pending} across rebalances: eager ones revoke every partition, cooperative ones only those
 * moved.
 */
class PendingTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final TopicPartition p0 = new TopicPartition("t", 0);
  private final TopicPartition p1 = new TopicPartition("t", 1);

  @Test
  void anEagerRevocationDuringARunLeavesNothingOfTheRunToCommit() {
    Pending p = new Pending();
    p.add("a", "r1", T0, p0, 5);
    p.add("b", "r2", T0, p1, 3);
    Pending.Batch a = p.take().orElseThrow();

    p.revoke(List.of(p0, p1));

    assertThat(p.offsetsAfter(a))
        .as("nothing of a partition this trainer no longer owns")
        .isEmpty();
    assertThat(p.revoked(a)).as("the run's answer must not be committed").isTrue();
    assertThat(p.done(a)).isEmpty();
    assertThat(p.take()).as("b's request went with its partition").isEmpty();
  }

  @Test
  void afterAnEagerRebalanceGivesThePartitionBackItsRequestsAreFetchedAgainAndAnsweredOnce() {
    Pending p = new Pending();
    p.add("a", "r1", T0, p0, 5);
    p.add("b", "r2", T0, p0, 6);
    Pending.Batch a = p.take().orElseThrow();
    p.revoke(List.of(p0, p1));
    p.done(a);

    p.add("a", "r1", T0, p0, 5);
    p.add("b", "r2", T0, p0, 6);
    Pending.Batch again = p.take().orElseThrow();
    assertThat(again.modelId()).isEqualTo("a");
    assertThat(p.revoked(again)).isFalse();
    assertThat(p.offsetsAfter(again))
        .as("up to b's request, not past it")
        .isEqualTo(Map.of(p0, new OffsetAndMetadata(6)));
    p.done(again);
    assertThat(p.done(p.take().orElseThrow())).isEqualTo(Map.of(p0, new OffsetAndMetadata(7)));
  }

  @Test
  void aCooperativeRevocationOfAnotherPartitionLeavesTheRunning() {
    Pending p = new Pending();
    p.add("a", "r1", T0, p0, 5);
    p.add("b", "r2", T0, p1, 3);
    p.add("c", "r3", T0, p0, 6);
    Pending.Batch a = p.take().orElseThrow();

    p.revoke(List.of(p1));

    assertThat(p.revoked(a)).isFalse();
    assertThat(p.done(a)).isEqualTo(Map.of(p0, new OffsetAndMetadata(6)));
    assertThat(p.take())
        .get()
        .extracting(Pending.Batch::modelId)
        .as("b went with p1")
        .isEqualTo("c");
    assertThat(p.take()).isEmpty();
  }

  @Test
  void aCooperativeRevocationOfTheRunningPartitionRevokesTheRunOnly() {
    Pending p = new Pending();
    p.add("a", "r1", T0, p0, 5);
    p.add("b", "r2", T0, p1, 3);
    Pending.Batch a = p.take().orElseThrow();

    p.revoke(List.of(p0));

    assertThat(p.revoked(a)).isTrue();
    assertThat(p.offsetsAfter(a)).isEmpty();
    p.done(a);
    Pending.Batch b = p.take().orElseThrow();
    assertThat(p.revoked(b)).as("a new run starts unrevoked").isFalse();
    assertThat(p.done(b)).isEqualTo(Map.of(p1, new OffsetAndMetadata(4)));
  }

  @Test
  void aRewoundBatchSeeksToItsFirstRequestAndEndsTheRun() {
    Pending p = new Pending();
    p.add("a", "r1", T0, p0, 5);
    p.add("a", "r2", T0, p0, 8);
    Pending.Batch a = p.take().orElseThrow();
    assertThat(p.rewind(a)).isEqualTo(Map.of(p0, 5L));
    assertThat(p.revoked(a)).isFalse();
    assertThat(p.take()).isEmpty();
  }

  @Test
  void coalescedRequestsKeepTheLatestTriggerThatWasGiven() {
    Pending p = new Pending();
    p.add("a", "r1", T0, false, "DRIFT: class PSI 0.4", p0, 5);
    p.add("a", "r2", T0, p0, 6);
    assertThat(p.take().orElseThrow().trigger())
        .as("a threshold request after a drift keeps the drift's words")
        .isEqualTo("DRIFT: class PSI 0.4");
    p.add("b", "r3", T0, false, "DRIFT: first", p1, 3);
    p.add("b", "r4", T0, false, "DRIFT: second", p1, 4);
    assertThat(p.take().orElseThrow().trigger()).isEqualTo("DRIFT: second");
    p.add("c", "r5", T0, p0, 9);
    assertThat(p.take().orElseThrow().trigger()).isNull();
  }
}
