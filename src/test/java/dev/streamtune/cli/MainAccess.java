package dev.streamtune.cli;

import dev.streamtune.config.Setting;
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
