package dev.streamtune.train;

import dev.streamtune.devstack.DevStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real {@code bin/streamtune worker --roles train} in its own JVM, as deployed (no JVM flags),
 * against a dev stack, so that its resident memory is the trainer's alone. For the benchmarks.
 *
 * @param process the worker ({@code bin/streamtune} execs the JVM, so this is the JVM)
 */
record StandaloneTrainer(Process process) implements AutoCloseable {
  /** Starts one, its output going to {@code log}. */
  static StandaloneTrainer start(DevStack stack, Path log) throws IOException {
    return start(stack, log, Map.of());
  }

  /** Starts one with settings of its own ({@code STREAMTUNE_*} variables) besides the stack's. */
  static StandaloneTrainer start(DevStack stack, Path log, Map<String, String> settings)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder("bin/streamtune", "worker", "--roles", "train")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS", stack.kafka().bootstrapServers());
    env.put("STREAMTUNE_SCHEMA_REGISTRY_URL", stack.registry().url().toString());
    env.put("STREAMTUNE_S3_ENDPOINT", stack.s3().endpoint().toString());
    env.put("STREAMTUNE_S3_BUCKET", stack.s3().bucket());
    env.put("STREAMTUNE_S3_ACCESS_KEY", stack.s3().accessKey());
    env.put("STREAMTUNE_S3_SECRET_KEY", stack.s3().secretKey());
    env.put("STREAMTUNE_HEALTH_PORT", "0");
    env.remove("JAVA_OPTS");
    env.putAll(settings);
    return new StandaloneTrainer(pb.start());
  }

  /** A memory line of {@code /proc/{pid}/status} ({@code VmRSS:}, {@code VmHWM:}), in MiB. */
  long memory(String field) throws IOException {
    return memory(process.pid(), field);
  }

  /** A memory line of any process of this machine, in MiB; -1 when it has none. */
  static long memory(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }

  /**
   * The JVM's heap, committed and used, in MiB, as {@code jcmd GC.heap_info} reports it without
   * collecting first (so RSS can be split into heap and the rest); -1s when it cannot be read.
   */
  long[] heap() {
    try {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  String.valueOf(process.pid()),
                  "GC.heap_info")
              .redirectErrorStream(true)
              .start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
      return m.find()
          ? new long[] {Long.parseLong(m.group(1)) / 1024, Long.parseLong(m.group(2)) / 1024}
          : new long[] {-1, -1};
    } catch (IOException e) {
      return new long[] {-1, -1};
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new long[] {-1, -1};
    }
  }

  /** The CPU seconds (user and system) the trainer has used so far. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
  }
}
