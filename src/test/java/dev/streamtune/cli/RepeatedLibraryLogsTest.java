package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' ERROR with a stack trace when a stream thread is replaced repeats ingest's own
 * line about it: the logging configuration drops it, and nothing else of that logger.
 */
class RepeatedLibraryLogsTest {
  private static final String STREAMS = "org.apache.kafka.streams.KafkaStreams";
  private static final String NODE = "org.apache.kafka.streams.processor.internals.ProcessorNode";
  private static final String EXECUTOR =
      "org.apache.kafka.streams.processor.internals.TaskExecutor";
  private static final String NETWORK = "org.apache.kafka.clients.NetworkClient";

  @Test
  void kafkaStreamsRepeatingIngestsHandlerIsDroppedAndItsOtherErrorsAreKept() throws Exception {
    Logger logger = LoggerFactory.getLogger(STREAMS);
    List<ILoggingEvent> seen =
        LogCapture.of(
            () -> {
              logger.error(
                  "Replacing thread in the streams uncaught exception handler",
                  new IllegalStateException("S3"));
              logger.error(
                  "Encountered the following exception during processing and the registered exception handler "
                      + "opted to {}. The streams client is going to shut down now.",
                  "SHUTDOWN_CLIENT",
                  new IllegalStateException("bug"));
              logger.error("State transition from RUNNING to ERROR");
            },
            STREAMS);
    assertThat(seen)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("State transition from RUNNING to ERROR");
  }

  @Test
  void aFailingTasksOwnErrorsAreDroppedTooAndOtherLoggersKeepTheirs() throws Exception {
    Logger node = LoggerFactory.getLogger(NODE);
    Logger executor = LoggerFactory.getLogger(EXECUTOR);
    Logger other = LoggerFactory.getLogger(NETWORK);
    List<ILoggingEvent> seen =
        LogCapture.of(
            () -> {
              node.error("Processing exception handler is set to fail upon a processing error.");
              executor.error(
                  "stream-thread [t-1] Failed to process stream task 1_0 due to the following error:",
                  new IllegalStateException("S3 did not answer"));
              other.error("Failed to process stream task 1_0 due to the following error:");
            },
            NODE,
            EXECUTOR,
            NETWORK);
    assertThat(seen)
        .extracting(e -> e.getLoggerName())
        .containsExactly("org.apache.kafka.clients.NetworkClient");
  }
}
