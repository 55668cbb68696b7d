package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' ERROR with a stack trace when a stream thread is replaced repeats ingest's own
 * line about it: the logging configuration drops it, and nothing else of that logger.
 */
class RepeatedLibraryLogsTest {

  @Test
  void kafkaStreamsRepeatingIngestsHandlerIsDroppedAndItsOtherErrorsAreKept() {
    Logger logger = (Logger) LoggerFactory.getLogger("org.apache.kafka.streams.KafkaStreams");
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    logger.addAppender(seen);
    try {
      logger.error(
          "Replacing thread in the streams uncaught exception handler",
          new IllegalStateException("S3"));
      logger.error(
          "Encountered the following exception during processing and the registered exception handler "
              + "opted to {}. The streams client is going to shut down now.",
          "SHUTDOWN_CLIENT",
          new IllegalStateException("bug"));
      logger.error("State transition from RUNNING to ERROR");
    } finally {
      logger.detachAppender(seen);
    }
    assertThat(seen.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("State transition from RUNNING to ERROR");
  }

  @Test
  void aFailingTasksOwnErrorsAreDroppedTooAndOtherLoggersKeepTheirs() {
    Logger node =
        (Logger)
            LoggerFactory.getLogger("org.apache.kafka.streams.processor.internals.ProcessorNode");
    Logger executor =
        (Logger)
            LoggerFactory.getLogger("org.apache.kafka.streams.processor.internals.TaskExecutor");
    Logger other = (Logger) LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    List.of(node, executor, other).forEach(l -> l.addAppender(seen));
    try {
      node.error("Processing exception handler is set to fail upon a processing error.");
      executor.error(
          "stream-thread [t-1] Failed to process stream task 1_0 due to the following error:",
          new IllegalStateException("S3 did not answer"));
      other.error("Failed to process stream task 1_0 due to the following error:");
    } finally {
      List.of(node, executor, other).forEach(l -> l.detachAppender(seen));
    }
    assertThat(seen.list)
        .extracting(e -> e.getLoggerName())
        .containsExactly("org.apache.kafka.clients.NetworkClient");
  }
}
