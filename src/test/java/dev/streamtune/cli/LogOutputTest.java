package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The commands a person runs print their own lines: the logs go to a file named once, and only
 * Streamtune's warnings reach the terminal; the services and {@code --verbose} keep them there.
 */
class LogOutputTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);

  @AfterEach
  void restore() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  @Test
  void aPersonsCommandKeepsLibraryLogsInAFileAndNamesItOnce(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    Path file =
        LogOutput.configure(
            List.of("demo", "--increments", "2"),
            Map.of(),
            dir,
            new PrintStream(terminal, true, StandardCharsets.UTF_8),
            CLOCK);
    assertThat(file).isEqualTo(dir.resolve("demo-20261204-100000.log"));
    assertThat(terminal.toString(StandardCharsets.UTF_8))
        .isEqualTo("Logs: " + file + " (--verbose shows them here)" + System.lineSeparator());
    LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient")
        .warn("UNKNOWN_TOPIC_OR_PARTITION");
    try (var m = org.slf4j.MDC.putCloseable("modelId", "shapes");
        var r = org.slf4j.MDC.putCloseable("runId", "r1")) {
      LoggerFactory.getLogger("dev.streamtune.train.TrainerApp").info("Training shapes");
    }
    assertThat(Files.readString(file))
        .contains("- UNKNOWN_TOPIC_OR_PARTITION", "- [shapes r1] Training shapes");
    LogOutput.OwnWarnings filter = new LogOutput.OwnWarnings();
    assertThat(filter.decide(event("org.apache.kafka.clients.NetworkClient", Level.WARN)))
        .hasToString("DENY");
    assertThat(filter.decide(event("dev.streamtune.train.TrainerApp", Level.INFO)))
        .hasToString("DENY");
    assertThat(filter.decide(event("dev.streamtune.train.TrainerApp", Level.WARN)))
        .hasToString("NEUTRAL");
  }

  @Test
  void servicesAndVerboseKeepTheirLogsOnTheTerminal(@TempDir Path dir) {
    PrintStream terminal =
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(
            LogOutput.configure(
                List.of("worker", "--roles", "ingest"), Map.of(), dir, terminal, CLOCK))
        .isNull();
    assertThat(LogOutput.configure(List.of("serve"), Map.of(), dir, terminal, CLOCK)).isNull();
    assertThat(LogOutput.configure(List.of("demo", "--verbose"), Map.of(), dir, terminal, CLOCK))
        .isNull();
    assertThat(
            LogOutput.configure(
                List.of("produce"), Map.of("STREAMTUNE_VERBOSE", "true"), dir, terminal, CLOCK))
        .isNull();
    assertThat(dir.toFile().list()).isEmpty();
  }

  private static LoggingEvent event(String logger, Level level) {
    LoggingEvent e = new LoggingEvent();
    e.setLoggerName(logger);
    e.setLevel(level);
    return e;
  }
}
