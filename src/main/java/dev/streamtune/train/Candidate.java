package dev.streamtune.train;

import dev.streamtune.events.TrainingMode;
import dev.streamtune.ml.Head;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a mode's training gives the rest of a run.
 *
 * @param data the dataset trained on: the run's, without the examples quarantined while gathering
 * @param mode what was trained
 * @param head the head; for {@code TOP}, the one on the fine-tuned top. Its labels are the
 *     version's
 * @param cut the layer below which the network was frozen, or null for {@code HEAD}
 * @param split the validation split
 * @param validationProbabilities the candidate's probabilities on the validation examples, in order
 * @param parentEvaluation the parent's score on the same examples, or null when it cannot be
 *     compared
 * @param coldStart whether a parent existed but could not be warm-started from
 * @param cacheHits images whose features or activations came from the cache
 * @param cacheMisses images computed in this run
 * @param exportReference what the training graph gives for the first validation images ({@code
 *     train.check.images} of them, or all), from the same input the exported model gets
 * @param headFiles files stored in the {@code head/} artifact besides {@code head.json} and {@code
 *     dataset.tsv}
 * @param attempts every candidate the run trained, the kept one included ({@link Remedies}); one
 *     when the first passed or no remedy applied
 * @param exporter writes the exports
 */
record Candidate(
    Dataset data,
    TrainingMode mode,
    Head head,
    String cut,
    Split split,
    float[][] validationProbabilities,
    Evaluation parentEvaluation,
    boolean coldStart,
    long cacheHits,
    long cacheMisses,
    float[][] exportReference,
    Map<String, byte[]> headFiles,
    java.util.List<Remedies.Attempt> attempts,
    Exporter exporter) {

  /** Writes the candidate's models. */
  interface Exporter {
    /** Writes the SavedModel into {@code dir}. */
    void savedModel(String modelId, int version, Path dir);

    /** Writes the TF.js model into {@code dir}. */
    void tfjs(Path tfjsBaseModel, Path dir);
  }
}
