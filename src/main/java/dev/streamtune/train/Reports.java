package dev.streamtune.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.events.ModelVersion;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The human-facing artifacts of a version: {@code metrics.json}, the model card and the
 * confusion-matrix PNG.
 */
final class Reports {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CELL = 48;

  private Reports() {}

  /**
   * A misclassified validation image, for the model card.
   *
   * @param image the encoded image
   * @param contentType its MIME type
   * @param truth its label
   * @param predicted what the candidate said
   */
  record Miss(byte[] image, String contentType, String truth, String predicted) {}

  static byte[] metricsJson(Evaluation e, Evaluation parent) {
    ObjectNode n = JSON.createObjectNode();
    n.put("accuracy", e.accuracy()).put("macroF1", e.macroF1()).put("loss", e.loss());
    e.labels().forEach(n.putArray("labels")::add);
    var r = n.putObject("recall");
    e.recall().forEach(r::put);
    var p = n.putObject("precision");
    e.precision().forEach(p::put);
    var cm = n.putArray("confusion");
    for (long[] row : e.confusion()) {
      var a = cm.addArray();
      for (long c : row) {
        a.add(c);
      }
    }
    if (parent != null) {
      n.put("parentAccuracy", parent.accuracy());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  static byte[] confusionPng(Evaluation e) {
    int k = e.labels().size();
    int margin = 120;
    BufferedImage img =
        new BufferedImage(
            margin + k * CELL + 10, margin + k * CELL + 10, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    long max = 1;
    for (long[] row : e.confusion()) {
      for (long c : row) {
        max = Math.max(max, c);
      }
    }
    for (int t = 0; t < k; t++) {
      g.setColor(Color.BLACK);
      g.drawString(clip(e.labels().get(t)), 4, margin + t * CELL + CELL / 2 + 4);
      g.drawString(clip(e.labels().get(t)), margin + t * CELL + 2, margin - 6 - (t % 2) * 14);
      for (int p = 0; p < k; p++) {
        float shade = (float) e.confusion()[t][p] / max;
        g.setColor(new Color(1 - shade * 0.8f, 1 - shade * 0.5f, 1f));
        g.fillRect(margin + p * CELL, margin + t * CELL, CELL - 1, CELL - 1);
        g.setColor(shade > 0.6 ? Color.WHITE : Color.BLACK);
        g.drawString(
            Long.toString(e.confusion()[t][p]),
            margin + p * CELL + 6,
            margin + t * CELL + CELL / 2 + 4);
      }
    }
    g.setColor(Color.DARK_GRAY);
    g.drawString("rows: true label · columns: predicted", 4, 14);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  static byte[] modelCard(
      ModelVersion v,
      Evaluation e,
      byte[] confusionPng,
      List<Miss> misses,
      List<Remedies.Attempt> attempts,
      String trigger) {
    StringBuilder h =
        new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
            .append(esc(v.getModelId()))
            .append(" v")
            .append(v.getVersion())
            .append("</title><style>")
            .append("body{font-family:sans-serif;max-width:60em;margin:2em auto}")
            .append("td,th{border:1px solid #ccc;padding:.2em .5em}")
            .append(
                "table{border-collapse:collapse}.REJECTED{color:#b00}.PUBLISHED{color:#070}</style></head><body>");
    h.append("<h1>")
        .append(esc(v.getModelId()))
        .append(" version ")
        .append(v.getVersion())
        .append("</h1>")
        .append("<p class=\"")
        .append(v.getStatus())
        .append("\"><b>")
        .append(v.getStatus())
        .append("</b>: ")
        .append(esc(v.getReason()))
        .append("</p><h2>Lineage</h2><table>")
        .append(
            row(
                "parent version",
                v.getParentVersion() == null ? "none" : v.getParentVersion().toString()))
        .append(
            row(
                "base model",
                v.getBaseModel().getName() + " (" + v.getBaseModel().getDigest() + ")"))
        .append(row("mode", v.getTraining().getMode().toString()))
        .append(row("feature layer", v.getTraining().getFeatureLayer()))
        .append(row("cold start", Boolean.toString(v.getTraining().getColdStart())))
        .append(row("run", v.getTraining().getRunId()))
        .append(row("request", v.getTraining().getRequestId()))
        .append(row("triggered by", trigger == null ? "new examples or a person" : trigger))
        .append(row("dataset digest", v.getDatasetDigest()))
        .append(row("training time", v.getTimings().getTrainingMillis() + " ms"))
        .append("</table>");
    h.append(
        "<h2>Data</h2><table><tr><th>label</th><th>examples</th><th>recall</th><th>precision</th></tr>");
    v.getExamples()
        .getPerLabel()
        .forEach(
            (label, n) ->
                h.append("<tr><td>")
                    .append(esc(label))
                    .append("</td><td>")
                    .append(n)
                    .append("</td><td>")
                    .append(pct(e.recall().get(label)))
                    .append("</td><td>")
                    .append(pct(e.precision().get(label)))
                    .append("</td></tr>"));
    h.append("</table><p>")
        .append(v.getExamples().getTrain())
        .append(" training, ")
        .append(v.getExamples().getValidation())
        .append(" validation, ")
        .append(v.getExamples().getNewExamples())
        .append(" new since the parent; ")
        .append(v.getExamples().getQuarantined())
        .append(
            " quarantined (passed ingest but failed a full decode; left out, listed under quarantine/")
        .append(esc(v.getModelId()))
        .append("/ and on the dead-letter topic with stage train).</p>")
        .append("<h2>Metrics (validation)</h2><table>")
        .append(row("accuracy", pct(e.accuracy())))
        .append(
            row(
                "parent's accuracy, same set",
                v.getMetrics().getParentAccuracy() == null
                    ? "–"
                    : pct(v.getMetrics().getParentAccuracy())))
        .append(row("macro-F1", String.format(Locale.ROOT, "%.4f", e.macroF1())))
        .append(row("loss", String.format(Locale.ROOT, "%.4f", e.loss())))
        .append("</table>");
    if (attempts.size() > 1) {
      h.append(
          "<h2>Candidates</h2><p>The first candidate failed the guard-rails, so the run tried"
              + " remedies:</p><table><tr><th>candidate</th><th>accuracy</th><th>outcome</th></tr>");
      for (Remedies.Attempt a : attempts) {
        h.append("<tr><td>")
            .append(esc(a.name()))
            .append("</td><td>")
            .append(pct(a.accuracy()))
            .append("</td><td>")
            .append(a.kept() ? "kept: " : "refused: ")
            .append(esc(a.reason()))
            .append("</td></tr>");
      }
      h.append("</table>");
    }
    h.append("<h2>Confusion matrix</h2><img alt=\"confusion matrix\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(confusionPng))
        .append("\"><h2>Misclassified samples</h2>");
    if (misses.isEmpty()) {
      h.append("<p>None among the checked validation images.</p>");
    }
    for (Miss m : misses) {
      h.append("<figure style=\"display:inline-block\"><img width=\"112\" src=\"data:")
          .append(esc(m.contentType()))
          .append(";base64,")
          .append(Base64.getEncoder().encodeToString(m.image()))
          .append("\"><figcaption>")
          .append(esc(m.truth()))
          .append(" → ")
          .append(esc(m.predicted()))
          .append("</figcaption></figure>");
    }
    return h.append("</body></html>\n")
        .toString()
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String row(String k, String v) {
    return "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>";
  }

  private static String pct(Double d) {
    return d == null ? "–" : String.format(Locale.ROOT, "%.2f%%", d * 100);
  }

  private static String clip(String s) {
    return s.length() > 16 ? s.substring(0, 15) + "…" : s;
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
