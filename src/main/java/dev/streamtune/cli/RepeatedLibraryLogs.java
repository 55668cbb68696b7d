package dev.streamtune.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.Marker;

/**
 * Drops the library log lines that repeat what Streamtune itself logs, so each event is logged
 * once: Kafka Streams logs an ERROR with the whole stack trace when the uncaught-exception handler
 * replaces a stream thread or shuts the client down, and ingest's handler has already said, in one
 * line for an outage and with the trace for anything else, what happened and what it does about it.
 * Installed by {@code logback.xml}; every other line of those loggers passes.
 */
public final class RepeatedLibraryLogs extends TurboFilter {
  private static final String KAFKA_STREAMS = "org.apache.kafka.streams.KafkaStreams";
  private static final List<String> REPEATS = List.of("Replacing thread in the streams uncaught exception handler",
      "Encountered the following exception during processing and the registered exception handler opted to");

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
      Throwable t) {
    if (format != null && level == Level.ERROR && KAFKA_STREAMS.equals(logger.getName())
        && REPEATS.stream().anyMatch(r -> format.contains(r))) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
