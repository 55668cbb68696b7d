package dev.streamtune.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code streamtune dlq}: operator commands on the dead-letter topic. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "Operator commands on the dead-letter topic.")
final class DlqGroup implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
