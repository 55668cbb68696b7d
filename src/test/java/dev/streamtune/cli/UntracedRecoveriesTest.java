package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker restarted after a SIGKILL rebuilds its stores from the changelogs; Kafka Streams' lines
 * about it keep their message and level but lose the stack trace (the soak found them as the only
 * traces of an hour), and other exceptions keep theirs.
 */
class UntracedRecoveriesTest {
  private static final String TASK_MANAGER =
      "org.apache.kafka.streams.processor.internals.TaskManager";
  private static final String LISTENER =
      "org.apache.kafka.clients.consumer.internals.ConsumerRebalanceListenerInvoker";

  @Test
  void aCorruptedTaskIsOneLineWithoutATraceAndOtherTracesStay() throws Exception {
    Logger logger = LoggerFactory.getLogger(TASK_MANAGER);
    List<ILoggingEvent> seen =
        LogCapture.of(
            () -> {
              logger.warn(
                  "stream-thread [t-2] Encounter corrupted task {}, will group it with other corrupted tasks and "
                      + "handle together",
                  "1_1",
                  new TaskCorruptedException(Set.of(new TaskId(1, 1))));
              logger.warn(
                  "Detected the states of tasks are corrupted.",
                  new TaskCorruptedException(Set.of(new TaskId(2, 2))));
              logger.warn("Something else went wrong", new IllegalStateException("bug"));
            },
            TASK_MANAGER);
    assertThat(seen).hasSize(3);
    assertThat(seen.get(0).getFormattedMessage())
        .startsWith("stream-thread [t-2] Encounter corrupted task 1_1,")
        .contains("Tasks [1_1] are corrupted");
    assertThat(seen.get(0).getThrowableProxy()).isNull();
    assertThat(seen.get(1).getThrowableProxy()).isNull();
    assertThat(seen.get(1).getLevel()).hasToString("WARN");
    assertThat(seen.get(2).getThrowableProxy()).as("another exception keeps its trace").isNotNull();
  }

  @Test
  void anOutageAtARevocationsCommitIsOneLineWithoutATrace() throws Exception {
    Logger logger = LoggerFactory.getLogger(TASK_MANAGER);
    List<ILoggingEvent> seen =
        LogCapture.of(
            () -> {
              logger.error(
                  "stream-thread [t-2] Exception caught while preparing to commit revoked tasks {}",
                  "[0_1]",
                  new org.apache.kafka.streams.errors.StreamsException(
                      new java.io.UncheckedIOException(
                          "S3 did not answer put examples/m/cat/x.png in bucket b",
                          new java.io.IOException("connection refused"))));
            },
            TASK_MANAGER);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).getLevel()).hasToString("ERROR");
    assertThat(seen.get(0).getFormattedMessage())
        .startsWith(
            "stream-thread [t-2] Exception caught while preparing to commit revoked tasks [0_1]")
        .contains("S3 did not answer put examples/m/cat/x.png");
    assertThat(seen.get(0).getThrowableProxy())
        .as("the soak found this trace: an S3 outage while a rebalance revokes tasks")
        .isNull();
  }

  @Test
  void theConsumersReportOfTheSameFailedRevocationIsOneLineWithoutATrace() throws Exception {
    Logger logger = LoggerFactory.getLogger(LISTENER);
    List<ILoggingEvent> seen =
        LogCapture.of(
            () -> {
              logger.error(
                  "User provided listener {} failed on invocation of onPartitionsRevoked for partitions {}",
                  "org.apache.kafka.streams.processor.internals.StreamsRebalanceListener",
                  "[images-1]",
                  new org.apache.kafka.streams.errors.StreamsException(
                      new java.io.UncheckedIOException(
                          "S3 did not answer put examples/m/cat/x.png in bucket b",
                          new java.net.ConnectException("Connection refused"))));
              logger.error(
                  "User provided listener {} failed on invocation of onPartitionsAssigned for partitions {}",
                  "L",
                  "[images-1]",
                  new IllegalStateException("bug"));
            },
            LISTENER);
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).getFormattedMessage())
        .startsWith("User provided listener")
        .contains("onPartitionsRevoked for partitions [images-1]")
        .contains("S3 did not answer put");
    assertThat(seen.get(0).getThrowableProxy())
        .as("the soak in CI found this trace: the consumer reports the listener's failure too")
        .isNull();
    assertThat(seen.get(1).getThrowableProxy()).as("a listener's bug keeps its trace").isNotNull();
  }
}
