package dev.streamtune.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;

/**
 * Drops the library log lines that repeat what Streamtune itself logs, so each event is logged
 * once: when a stream task fails (a processing error its handler does not dead-letter, such as a
 * storage outage), Kafka Streams logs ERRORs with the whole stack trace as the task fails and again
 * as the uncaught-exception handler replaces the thread or shuts the client down, and ingest's
 * handler has already said, in one line for an outage and with the trace for anything else, what
 * happened and what it does about it. Installed by {@code logback.xml}; every other line of those
 * loggers passes.
 */
public final class RepeatedLibraryLogs extends TurboFilter {
  private static final String STREAMS = "org.apache.kafka.streams.";
  private static final Map<String, List<String>> REPEATS =
      Map.of(
          STREAMS + "KafkaStreams",
              List.of(
                  "Replacing thread in the streams uncaught exception handler",
                  "Encountered the following exception during processing and the registered exception handler opted to"),
          STREAMS + "processor.internals.ProcessorNode",
              List.of("Processing exception handler is set to fail"),
          STREAMS + "processor.internals.TaskExecutor", List.of("Failed to process stream task"));

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format != null
        && level == Level.ERROR
        && REPEATS.getOrDefault(logger.getName(), List.of()).stream().anyMatch(format::contains)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
