package dev.streamtune.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.TopicTail;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Shows the trainer's progress, read from {@code training.status}, on the console: a bar for the
 * backbone passes ({@code features}, or {@code activations} in top mode) and one for the epochs,
 * and a line when artifacts upload. Bars become plain lines when output is not a terminal. Feed it
 * {@link TopicTail} entries on one thread.
 */
final class StatusConsole implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PrintWriter out;
  private final boolean terminal;
  private String current = "";
  private Progress bar;

  StatusConsole(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** Takes one status line; lines of ingest, and malformed ones, are ignored. */
  synchronized void accept(TopicTail.Entry e) {
    JsonNode n;
    try {
      n = JSON.readTree(e.text());
    } catch (IOException bad) {
      return;
    }
    if (!"trainer".equals(n.path("source").asText())) {
      return;
    }
    String phase = n.path("phase").asText();
    String key = n.path("modelId").asText() + " v" + n.path("version").asInt() + " " + phase;
    int of = n.path("of").asInt();
    if (!key.equals(current)) {
      close();
      current = key;
      switch (phase) {
        case "features", "activations" ->
            bar =
                of > 0
                    ? new Progress(key.replace(phase, "backbone passes"), of, out, terminal)
                    : null;
        case "training" ->
            bar = of > 0 ? new Progress(key.replace(phase, "epochs"), of, out, terminal) : null;
        case "upload" -> {
          out.println(key.replace(phase, "uploading artifacts"));
          out.flush();
        }
        default -> {}
      }
    }
    if (bar != null) {
      bar.stepTo(n.path("step").asLong());
    }
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
