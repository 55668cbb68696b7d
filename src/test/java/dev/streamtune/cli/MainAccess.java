package dev.streamtune.cli;

import dev.streamtune.config.Setting;
import dev.streamtune.testing.Stack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;

/** Lets tests in other packages run the command tree in-process. */
public final class MainAccess {
  private MainAccess() {}

  /** {@link Main#commandLine()}. */
  public static CommandLine commandLine() {
    return Main.commandLine();
  }

  /**
   * What a command said and its exit status.
   *
   * @param status the exit status
   * @param output its standard output and error together
   */
  public record Ran(int status, String output) {}

  /**
   * Runs a command in-process against the stack: its Kafka, registry, topic prefix and bucket are
   * passed as options after {@code args}.
   */
  public static Ran run(Stack stack, String... args) {
    return run(stack, false, args);
  }

  /** {@link #run(Stack, String...)} with the stack's S3 endpoint and bucket passed as well. */
  public static Ran runWithS3(Stack stack, String... args) {
    return run(stack, true, args);
  }

  private static Ran run(Stack stack, boolean s3, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--kafka-bootstrap-servers",
            stack.bootstrapServers(),
            "--schema-registry-url",
            stack.registryUrl().toString(),
            "--topic-prefix",
            stack.topicPrefix()));
    if (s3) {
      all.addAll(
          List.of("--s3-endpoint", stack.s3Endpoint().toString(), "--s3-bucket", stack.bucket()));
    }
    int rc = cl.execute(all.toArray(String[]::new));
    return new Ran(rc, out.toString());
  }

  /**
   * Every environment variable Streamtune reads a setting from: each setting's, and for a secret
   * also its {@code _FILE} variant. Deployment files may set no other {@code STREAMTUNE_*} name.
   */
  public static Set<String> settingEnvVars() {
    Set<String> names = new TreeSet<>();
    for (var group : Main.settingGroups().values()) {
      for (Setting<?> s : group) {
        names.add(s.envVar());
        if (s.secret()) {
          names.add(s.envVar() + "_FILE");
        }
      }
    }
    return names;
  }
}
