package dev.streamtune.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.streamtune.events.Failures;
import java.util.Arrays;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * Logs Kafka Streams' routine recoveries in one line each, without a stack trace. After an unclean
 * stop (a SIGKILL, an OOM kill) under exactly-once, a restarted worker finds its stores without a
 * checkpoint and rebuilds them from the changelogs: Kafka Streams reports each such task with a
 * {@code TaskCorruptedException} and its whole trace, twice, though nothing is wrong and nothing is
 * lost. The same for an outage ({@link Failures#classify} says RETRY, such as S3 not answering)
 * that Kafka Streams meets while committing, a rebalance's revocation included (which the consumer
 * reports again, as its rebalance listener's failure): ingest logs the outage itself and replaces
 * the thread, so the trace adds nothing. This filter drops those traced lines and logs the same
 * message again, from the same logger and at the same level, without the trace. Installed by {@code
 * logback.xml}; every other line passes as it is.
 */
public final class UntracedRecoveries extends TurboFilter {
  private static final String STREAMS = "org.apache.kafka.streams.";
  private static final String LISTENER =
      "org.apache.kafka.clients.consumer.internals.ConsumerRebalanceListenerInvoker";
  private static final String CORRUPTED = "org.apache.kafka.streams.errors.TaskCorruptedException";

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    Throwable thrown =
        t != null
            ? t
            : params != null
                    && params.length > 0
                    && params[params.length - 1] instanceof Throwable last
                ? last
                : null;
    if (format == null
        || thrown == null
        || !(logger.getName().startsWith(STREAMS) || logger.getName().equals(LISTENER))
        || !(thrown.getClass().getName().equals(CORRUPTED)
            || Failures.classify(thrown) == Failures.Disposition.RETRY)) {
      return FilterReply.NEUTRAL;
    }
    Object[] args = t != null ? params : Arrays.copyOf(params, params.length - 1);
    String message =
        MessageFormatter.basicArrayFormat(format, args) + " (" + thrown.getMessage() + ")";
    if (level == Level.ERROR) {
      logger.error("{}", message);
    } else if (level == Level.WARN) {
      logger.warn("{}", message);
    } else {
      logger.info("{}", message);
    }
    return FilterReply.DENY;
  }
}
