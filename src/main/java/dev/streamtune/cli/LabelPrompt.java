package dev.streamtune.cli;

import dev.streamtune.events.LabelGuess;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.Names;
import dev.streamtune.feedback.Labeller;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code streamtune label}'s terminal flow: shows a request (the model's guesses, the kept image)
 * and reads the answer from a line: a label, the number of a guess, nothing to skip, {@code q} to
 * stop. A line that is no valid label is asked again.
 */
final class LabelPrompt implements Labeller.Decider {
  private final BufferedReader in;
  private final PrintWriter out;
  private final Function<LabellingRequest, String> where;
  private int shown;

  /**
   * @param where where the person can look at the image of a request (a local copy, a URL)
   */
  LabelPrompt(BufferedReader in, PrintWriter out, Function<LabellingRequest, String> where) {
    this.in = in;
    this.out = out;
    this.where = where;
  }

  @Override
  public Labeller.Answer decide(LabellingRequest r) {
    shown++;
    out.printf(
        "[%d] %s v%d was unsure (margin %.2f): %s%n    image: %s%n",
        shown, r.getModelId(), r.getVersion(), r.getMargin(), guesses(r), where.apply(r));
    while (true) {
      out.print("    label (a name, a guess's number, Enter skips, q stops)> ");
      out.flush();
      String line;
      try {
        line = in.readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (line == null || line.strip().equalsIgnoreCase("q")) {
        return Labeller.Answer.quit();
      }
      String answer = line.strip();
      if (answer.isEmpty()) {
        return Labeller.Answer.skip();
      }
      if (answer.matches("[1-9]") && Integer.parseInt(answer) <= r.getGuesses().size()) {
        answer = r.getGuesses().get(Integer.parseInt(answer) - 1).getLabel();
      }
      if (Names.valid(answer)) {
        return Labeller.Answer.label(answer);
      }
      out.println("    not a label: 1-64 of A-Z a-z 0-9 . _ -, not starting with a dot");
    }
  }

  private static String guesses(LabellingRequest r) {
    StringBuilder b = new StringBuilder();
    int n = 0;
    for (LabelGuess g : r.getGuesses()) {
      b.append(n == 0 ? "" : ", ")
          .append(++n)
          .append(") ")
          .append(g.getLabel())
          .append(String.format(Locale.ROOT, " %.2f", g.getProbability()));
    }
    return b.toString();
  }
}
