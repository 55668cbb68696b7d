package dev.streamtune.devstack;

import java.nio.file.Path;

/** Lets tests of other packages wipe a dev-stack directory. */
public final class DevStackTestAccess {
  private DevStackTestAccess() {}

  /** Deletes a directory tree if it exists. */
  public static void deleteTree(Path dir) {
    DevStack.deleteTree(dir);
  }
}
