package dev.streamtune.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code streamtune schemas}: the group of schema commands. */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description = "Manage the event schemas in the schema registry.")
final class SchemasCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
