package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
      logger.error("Replacing thread in the streams uncaught exception handler", new IllegalStateException("S3"));
      logger.error("Encountered the following exception during processing and the registered exception handler "
          + "opted to {}. The streams client is going to shut down now.", "SHUTDOWN_CLIENT",
          new IllegalStateException("bug"));
      logger.error("State transition from RUNNING to ERROR");
    } finally {
      logger.detachAppender(seen);
    }
    assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("State transition from RUNNING to ERROR");
  }
}
