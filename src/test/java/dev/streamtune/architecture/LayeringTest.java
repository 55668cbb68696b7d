package dev.streamtune.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The floors of docs/architecture.md, checked on the sources: a package imports only packages on
 * lower floors, or on its own floor below floor 2; the capabilities of floor 2 never import one
 * another.
 */
class LayeringTest {
  private static final Map<String, Integer> FLOORS =
      Map.ofEntries(
          Map.entry("config", 0),
          Map.entry("digest", 0),
          Map.entry("http", 0),
          Map.entry("events", 1),
          Map.entry("store", 1),
          Map.entry("image", 1),
          Map.entry("ml", 1),
          Map.entry("health", 1),
          Map.entry("devstack", 2),
          Map.entry("ingest", 2),
          Map.entry("train", 2),
          Map.entry("serve", 2),
          Map.entry("feedback", 2),
          Map.entry("worker", 3),
          Map.entry("demo", 3),
          Map.entry("cli", 4));
  private static final Path MAIN = Path.of("src", "main", "java", "dev", "streamtune");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?dev\\.streamtune\\.(\\w+)\\.", Pattern.MULTILINE);

  @Test
  void everyPackageHasAFloorAndImportsOnlyWhatItsFloorAllows() throws IOException {
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String own = MAIN.relativize(f).getName(0).toString();
        assertThat(FLOORS).as("the floor of package " + own).containsKey(own);
        Matcher m = IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          String used = m.group(1);
          if (!used.equals(own) && !allowed(own, used)) {
            wrong.add(MAIN.relativize(f) + " imports " + used);
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  private static boolean allowed(String own, String used) {
    int mine = FLOORS.get(own);
    Integer theirs = FLOORS.get(used);
    return theirs != null && (theirs < mine || (theirs == mine && mine != 2));
  }
}
