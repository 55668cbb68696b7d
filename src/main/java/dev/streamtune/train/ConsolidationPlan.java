package dev.streamtune.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The shape of one background consolidation cycle ({@link Consolidation}), decided when it starts:
 * how many chunks of class-balanced draws it trains, the schedule's steps, and its warm-up.
 *
 * @param chunks chunks in the cycle
 * @param chunkSamples examples one chunk draws (at most)
 * @param totalSteps the schedule's steps, over which the learning rates follow their cosine
 * @param warmupSteps the steps over which they rise at the start: a twentieth of the cycle, at
 *     least the configured warm-up, since a cycle restarts a converged model at a cold start's
 *     rates
 */
record ConsolidationPlan(int chunks, int chunkSamples, long totalSteps, long warmupSteps) {
  /** Validates the values. */
  ConsolidationPlan {
    if (chunks < 1 || chunkSamples < 1 || totalSteps < 1 || warmupSteps < 0) {
      throw new IllegalArgumentException(
          "Invalid consolidation plan: " + chunks + ", " + chunkSamples + ", " + totalSteps);
    }
  }

  /**
   * The plan for {@code trainExamples} training examples: {@code passes} passes in chunks of {@code
   * chunkSamples} (fewer when the dataset is smaller), {@code batch} examples a step.
   */
  static ConsolidationPlan of(
      int trainExamples, double passes, int chunkSamples, int batch, int warmupSteps) {
    int perChunk = Math.max(1, Math.min(chunkSamples, trainExamples));
    int chunks = (int) Math.max(1, Math.ceil(passes * trainExamples / perChunk));
    long steps = (long) chunks * ((perChunk + batch - 1) / batch);
    return new ConsolidationPlan(chunks, perChunk, steps, Math.max(warmupSteps, steps / 20));
  }

  /**
   * The plan once the training examples are {@code trainExamples}: more chunks when {@code passes}
   * over them need more (never fewer), and the schedule's steps with them, so that a cycle that
   * started on fewer examples still passes over the ones that arrived since; the warm-up stays.
   */
  ConsolidationPlan grown(int trainExamples, double passes, int batch) {
    int need = (int) Math.ceil(passes * trainExamples / chunkSamples);
    if (need <= chunks) {
      return this;
    }
    long perChunk = (chunkSamples + batch - 1) / batch;
    return new ConsolidationPlan(need, chunkSamples, need * perChunk, warmupSteps);
  }

  /**
   * Whether a lineage with {@code trainExamples} training examples, whose last full fit had {@code
   * fullFit} (0: unknown), is due a consolidation: it has grown by {@code growth} since.
   */
  static boolean due(int trainExamples, int fullFit, double growth) {
    return fullFit <= 0 || trainExamples >= growth * fullFit;
  }

  /**
   * Chunk {@code k}'s examples: a class-balanced draw of at most {@code chunkSamples} of {@code
   * train} ({@link Rehearsal}), shuffled, the same for the same examples, seed and chunk, so that a
   * preempted chunk trains again exactly as it would have.
   */
  List<Dataset.Example> chunk(List<Dataset.Example> train, long seed, int k) {
    long s = seed * 1_000_003L + k;
    List<Dataset.Example> drawn = new ArrayList<>(Rehearsal.draw(train, chunkSamples, s));
    Collections.shuffle(drawn, new Random(s));
    return drawn;
  }
}
