package dev.streamtune.train;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TrainingMode;
import dev.streamtune.ml.AdamState;
import dev.streamtune.ml.Head;
import dev.streamtune.ml.TopModel;
import dev.streamtune.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The serving version a run warm-starts from and is compared with: its head, its fine-tuned top for
 * a {@code TOP} version, and the dataset it saw, from its {@code head/} artifact.
 *
 * @param version the version's event
 * @param head its head
 * @param top its fine-tuned top (with {@code head}), or null for a {@code HEAD} version
 * @param dataset sha256 to label of the examples it was trained and validated on
 * @param fullFitExamples for a fine-tuned lineage, the training examples of its last full fit (the
 *     whole schedule rather than a light warm epoch), 0 if unknown
 * @param optimizer for a fine-tuned version, Adam's state with its weights, or null when it has
 *     none (a version trained before the state was kept)
 */
record Parent(
    ModelVersion version,
    Head head,
    TopModel top,
    Map<String, String> dataset,
    int fullFitExamples,
    AdamState optimizer) {
  /** The name of the top's weights in the {@code head/} artifact. */
  static final String TOP_FILE = "top.bin";

  /** The name of the file with the size of the lineage's last full fit, beside {@code top.bin}. */
  static final String FIT_FILE = "full-fit.txt";

  /** The name of Adam's state with the top's weights, beside {@code top.bin}. */
  static final String OPTIMIZER_FILE = "optimizer.bin";

  static Parent load(ObjectStore store, ModelVersion v) {
    if (v.getArtifacts().getHead() == null) {
      throw new IllegalStateException(
          "Version " + v.getVersion() + " of " + v.getModelId() + " has no head artifact");
    }
    String dir = ArtifactWriter.key(store, v.getArtifacts().getHead().getUri());
    Head head =
        Head.fromJson(
            store
                .get(dir + "head.json")
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "The parent's head " + dir + "head.json is missing")));
    TopModel top = null;
    AdamState optimizer = null;
    if (v.getTraining().getMode() == TrainingMode.TOP) {
      optimizer = store.get(dir + OPTIMIZER_FILE).map(AdamState::fromBytes).orElse(null);
      top =
          TopModel.fromBytes(
              store
                  .get(dir + TOP_FILE)
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "The parent's top " + dir + TOP_FILE + " is missing")),
              head);
    }
    Map<String, String> dataset = new HashMap<>();
    String tsv =
        store.get(dir + "dataset.tsv").map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    for (String line : tsv.split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 2) {
        dataset.put(f[0], f[1]);
      }
    }
    int fullFit =
        store
            .get(dir + FIT_FILE)
            .map(b -> Integer.parseInt(new String(b, StandardCharsets.UTF_8).trim()))
            .orElse(0);
    return new Parent(v, head, top, dataset, fullFit, optimizer);
  }

  static byte[] manifest(Dataset data) {
    StringBuilder b = new StringBuilder();
    data.examples().forEach(e -> b.append(e.sha256()).append('\t').append(e.label()).append('\n'));
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
