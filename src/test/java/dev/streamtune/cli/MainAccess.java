package dev.streamtune.cli;

import picocli.CommandLine;

/** Lets tests in other packages run the command tree in-process. */
public final class MainAccess {
  private MainAccess() {}

  /** {@link Main#commandLine()}. */
  public static CommandLine commandLine() {
    return Main.commandLine();
  }
}
