package dev.streamtune.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's {@code Dockerfile}, read into its instructions (continuation lines joined,
 * comments dropped), each with the build stage it belongs to, for the tests to check.
 *
 * @param instructions in file order
 */
record Dockerfile(List<Instruction> instructions) {
  private static final Pattern ENV_NAME = Pattern.compile("\\b(STREAMTUNE_[A-Z0-9_]+)=");

  /**
   * One instruction.
   *
   * @param stage 0 for the first {@code FROM}'s stage, 1 for the next…
   * @param keyword such as {@code RUN}, upper case
   * @param args the rest of the instruction
   */
  record Instruction(int stage, String keyword, String args) {}

  static Dockerfile read(Path file) throws IOException {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int stage = -1;
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String text = current.toString().strip();
      current.setLength(0);
      int space = text.indexOf(' ');
      String keyword = text.substring(0, space).toUpperCase(Locale.ROOT);
      if (keyword.equals("FROM")) {
        stage++;
      }
      out.add(new Instruction(stage, keyword, text.substring(space + 1).strip()));
    }
    return new Dockerfile(out);
  }

  /** The instructions of one keyword. */
  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /** The final stage's instructions of one keyword. */
  List<Instruction> last(String keyword) {
    int stage = instructions.get(instructions.size() - 1).stage();
    return all(keyword).stream().filter(i -> i.stage() == stage).toList();
  }

  /** Every {@code STREAMTUNE_*} variable the image sets. */
  List<String> streamtuneEnv() {
    List<String> names = new ArrayList<>();
    for (Instruction i : all("ENV")) {
      Matcher m = ENV_NAME.matcher(i.args());
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
