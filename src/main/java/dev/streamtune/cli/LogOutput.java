package dev.streamtune.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Where a command's logs go, decided once as the process starts ({@code logback.xml} is the
 * starting point). The long-running roles ({@code worker}, {@code serve}) keep every log line on
 * standard error, as log shippers expect, in JSON lines when {@code STREAMTUNE_LOG_FORMAT=json}.
 * The commands a person runs ({@code demo}, {@code produce}, {@code dev-stack}, …) print their own
 * lines only: every log line goes to a file under {@code ~/.streamtune/logs}, whose path is printed
 * once, and only Streamtune's own warnings and errors reach the terminal. {@code --verbose} (or
 * {@code STREAMTUNE_VERBOSE=true}) keeps the logs on the terminal; {@code STREAMTUNE_LOG_LEVEL}
 * sets Streamtune's level.
 */
public final class LogOutput {
  /** The commands whose logs stay on standard error. */
  static final Set<String> SERVICES = Set.of("worker", "serve");

  private static final String STREAMTUNE = "dev.streamtune";

  /** {@code logback.xml}'s pattern: the model and run of the line's work, when there are. */
  static final String PATTERN =
      "%d{HH:mm:ss.SSS} %-5level %logger{24} - %replace([%X{modelId} %X{runId}] ){'\\[ \\] ', ''}%msg%n";

  private LogOutput() {}

  /**
   * Sets up logging for a command line.
   *
   * @param args the command line
   * @param env the environment
   * @param dir where a command's log file goes
   * @param terminal where the path of the log file is printed
   * @return the log file, or null when logs stay on standard error
   */
  public static Path configure(
      List<String> args, Map<String, String> env, Path dir, PrintStream terminal, Clock clock) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    String level = env.get("STREAMTUNE_LOG_LEVEL");
    if (level != null) {
      context.getLogger(STREAMTUNE).setLevel(Level.toLevel(level, Level.INFO));
    }
    String command = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("");
    boolean verbose =
        args.contains("--verbose") || "true".equalsIgnoreCase(env.get("STREAMTUNE_VERBOSE"));
    boolean json = "json".equalsIgnoreCase(env.getOrDefault("STREAMTUNE_LOG_FORMAT", "text"));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    boolean help =
        args.stream().anyMatch(a -> List.of("-h", "--help", "-V", "--version").contains(a));
    if (SERVICES.contains(command) || verbose || command.isEmpty() || help) {
      if (json) {
        root.detachAndStopAllAppenders();
        root.addAppender(console(context, jsonEncoder(context), null));
      }
      return null;
    }
    Path file =
        dir.resolve(
            command
                + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
                    .withZone(clock.getZone())
                    .format(clock.instant())
                + ".log");
    root.detachAndStopAllAppenders();
    FileAppender<ILoggingEvent> toFile = new FileAppender<>();
    toFile.setContext(context);
    toFile.setName("FILE");
    toFile.setFile(file.toString());
    toFile.setEncoder(json ? jsonEncoder(context) : patternEncoder(context));
    toFile.start();
    root.addAppender(toFile);
    root.addAppender(console(context, patternEncoder(context), new OwnWarnings()));
    terminal.println("Logs: " + file + " (--verbose shows them here)");
    return file;
  }

  /** Passes Streamtune's own warnings and errors; drops the rest. */
  static final class OwnWarnings extends Filter<ILoggingEvent> {
    @Override
    public FilterReply decide(ILoggingEvent e) {
      return e.getLoggerName().startsWith(STREAMTUNE) && e.getLevel().isGreaterOrEqual(Level.WARN)
          ? FilterReply.NEUTRAL
          : FilterReply.DENY;
    }
  }

  private static ConsoleAppender<ILoggingEvent> console(
      LoggerContext context, Encoder<ILoggingEvent> encoder, Filter<ILoggingEvent> filter) {
    ConsoleAppender<ILoggingEvent> c = new ConsoleAppender<>();
    c.setContext(context);
    c.setName("STDERR");
    c.setTarget("System.err");
    c.setEncoder(encoder);
    if (filter != null) {
      filter.setContext(context);
      filter.start();
      c.addFilter(filter);
    }
    c.start();
    return c;
  }

  private static Encoder<ILoggingEvent> patternEncoder(LoggerContext context) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(context);
    e.setPattern(PATTERN);
    e.start();
    return e;
  }

  private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    JsonEncoder e = new JsonEncoder();
    e.setContext(context);
    e.start();
    return e;
  }
}
