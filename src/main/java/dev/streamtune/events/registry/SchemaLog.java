package dev.streamtune.events.registry;

import java.util.List;

/** Durable storage of registry changes: replayed at start, appended on every change. */
interface SchemaLog extends AutoCloseable {

  /** A log that keeps nothing: the registry lives in memory only. */
  SchemaLog NONE =
      new SchemaLog() {
        @Override
        public List<LogEntry> replay() {
          return List.of();
        }

        @Override
        public void append(LogEntry entry) {}

        @Override
        public void close() {}
      };

  /** Every entry written so far, oldest first. */
  List<LogEntry> replay();

  /** Writes one entry durably before returning. */
  void append(LogEntry entry);

  @Override
  void close();
}
