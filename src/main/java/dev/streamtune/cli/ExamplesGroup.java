package dev.streamtune.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code streamtune examples}: operator commands on a model's stored examples. */
@Command(
    name = "examples",
    mixinStandardHelpOptions = true,
    description = "Operator commands on a model's stored examples.")
final class ExamplesGroup implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
