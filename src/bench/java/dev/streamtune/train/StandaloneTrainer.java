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

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
  }
}
