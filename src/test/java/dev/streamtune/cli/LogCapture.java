package dev.streamtune.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What named loggers let through while a test logs: the lines that reach an appender after the
 * logging configuration's filters (such as {@link UntracedRecoveries}) have had their say.
 */
final class LogCapture {
  private LogCapture() {}

  /** Something that logs, and may throw. */
  interface Logging {
    void run() throws Exception;
  }

  /** The lines {@code logging} logged to any of {@code loggers}, in order. */
  static List<ILoggingEvent> of(Logging logging, String... loggers) throws Exception {
    List<Logger> attached =
        Arrays.stream(loggers).map(n -> (Logger) LoggerFactory.getLogger(n)).toList();
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    attached.forEach(l -> l.addAppender(seen));
    try {
      logging.run();
    } finally {
      attached.forEach(l -> l.detachAppender(seen));
    }
    return seen.list;
  }
}
