package dev.streamtune.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Real {@code streamtune worker} child processes, each with a name, its own environment and a log
 * file of every life it had. Stopping is the test's to do ({@link #stop} with SIGTERM or SIGKILL);
 * a process that ends otherwise is an unexpected exit, which {@link #unexpectedExits} reports.
 */
final class Fleet implements AutoCloseable {
  private static final Pattern STACK_FRAME =
      Pattern.compile("^\\s+at [\\w$.]+\\(.*\\)$|^Caused by: ");
  private final Path logs;
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final List<String> unexpected = new ArrayList<>();

  private static final class Member {
    final String roles;
    final Map<String, String> env;
    Process process;
    int lives;

    Member(String roles, Map<String, String> env) {
      this.roles = roles;
      this.env = env;
    }
  }

  Fleet(Path logs) {
    this.logs = logs;
  }

  /** Declares a member; it does not start it. */
  void define(String name, String roles, Map<String, String> env) {
    members.put(name, new Member(roles, Map.copyOf(env)));
  }

  /** Starts a member that is not running. */
  void start(String name) {
    Member m = members.get(name);
    check();
    if (m.process != null && m.process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    Path log = logs.resolve(name + "-" + m.lives++ + ".log");
    ProcessBuilder pb =
        new ProcessBuilder("bin/streamtune", "worker", "--roles", m.roles)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(m.env);
    try {
      m.process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops a running member with SIGTERM ({@code kill == false}) or SIGKILL, and waits for it. */
  void stop(String name, boolean kill) throws InterruptedException {
    check();
    Member m = members.get(name);
    Process p = m.process;
    m.process = null;
    if (kill) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      unexpected.add(name + " did not stop within 60 s of " + (kill ? "SIGKILL" : "SIGTERM"));
      p.destroyForcibly().waitFor();
    }
  }

  /** Whether a member is running now. */
  boolean running(String name) {
    Member m = members.get(name);
    return m.process != null && m.process.isAlive();
  }

  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

  /** Resident memory of a running member, in KiB, from {@code /proc}. */
  OptionalLong rssKib(String name) {
    Member m = members.get(name);
    if (m.process == null || !m.process.isAlive()) {
      return OptionalLong.empty();
    }
    try (Stream<String> lines =
        Files.lines(Path.of("/proc", String.valueOf(m.process.pid()), "status"))) {
      return lines
          .filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
          .findFirst();
    } catch (IOException | UncheckedIOException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Java heap in use by a running member, in KiB, after a full collection ({@code jcmd GC.run} then
   * {@code GC.heap_info}), so that garbage not yet collected does not read as growth.
   */
  OptionalLong heapKib(String name) {
    Member m = members.get(name);
    if (m.process == null || !m.process.isAlive()) {
      return OptionalLong.empty();
    }
    try {
      jcmd(m.process.pid(), "GC.run");
      var used = HEAP_USED.matcher(jcmd(m.process.pid(), "GC.heap_info"));
      return used.find() ? OptionalLong.of(Long.parseLong(used.group(1))) : OptionalLong.empty();
    } catch (IOException | InterruptedException e) {
      return OptionalLong.empty();
    }
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command)
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  /** Names of the members. */
  List<String> names() {
    return List.copyOf(members.keySet());
  }

  /** Records members that ended without being stopped; call it often. */
  void check() {
    members.forEach(
        (name, m) -> {
          if (m.process != null && !m.process.isAlive()) {
            unexpected.add(
                name
                    + " exited on its own with status "
                    + m.process.exitValue()
                    + " (life "
                    + (m.lives - 1)
                    + ")");
            m.process = null;
          }
        });
  }

  /** Every exit the test did not cause. */
  List<String> unexpectedExits() {
    check();
    return List.copyOf(unexpected);
  }

  /** The lines of every log that belong to a stack trace, with the log's name. */
  List<String> stackTraceLines() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(logs)) {
      for (Path f : files.sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          if (STACK_FRAME.matcher(line).find()) {
            out.add(f.getFileName() + ": " + line);
          }
        }
      }
    }
    return out;
  }

  /** Stops every member still running (SIGTERM, then SIGKILL after the grace). */
  @Override
  public void close() throws InterruptedException {
    for (Member m : members.values()) {
      if (m.process != null) {
        m.process.destroy();
      }
    }
    for (Member m : members.values()) {
      if (m.process != null
          && !m.process.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)) {
        m.process.destroyForcibly().waitFor();
      }
    }
  }
}
