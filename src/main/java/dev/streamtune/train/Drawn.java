package dev.streamtune.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run trains and validates on once its values are gathered: the dataset without the examples
 * that could not be (refused as bad data, or gone), the drawn training examples still in it, and
 * the cache's hits and misses. Only the drawn training examples and the validation split are
 * gathered ({@link Rehearsal}); when leaving an example out changes the validation split, the newly
 * drawn validation examples are gathered too.
 *
 * @param data the dataset without the examples left out
 * @param train the drawn training examples, in {@code data}'s order
 * @param hits values found in the cache
 * @param misses values computed
 */
record Drawn(Dataset data, List<Dataset.Example> train, long hits, long misses) {
  private static final int ROUNDS = 3;

  /**
   * Gathers the values of {@code drawn} and of {@code listed}'s validation split into {@code
   * values}, reporting progress in {@code phase}.
   */
  static <V> Drawn gather(
      Gather<V> gather,
      Map<String, V> values,
      Dataset listed,
      List<Dataset.Example> drawn,
      TrainConfig config,
      Phase phase,
      TrainingRun.Progress progress,
      Gather.Refusals refusals) {
    List<Dataset.Example> wanted = new ArrayList<>(drawn);
    wanted.addAll(listed.validationExamples());
    long hits = 0;
    long misses = 0;
    Dataset data = listed;
    for (int round = 0; !wanted.isEmpty(); round++) {
      if (round == ROUNDS) {
        throw new IllegalStateException(
            "The examples of "
                + listed.modelId()
                + " kept changing while their values were gathered; the run is tried again");
      }
      int total = wanted.size();
      progress.report(phase, 0, total, Double.NaN, Double.NaN);
      Gather.Result<V> r =
          gather.gather(
              listed.modelId(),
              wanted,
              config.rounds(),
              n -> progress.report(phase, n, total, Double.NaN, Double.NaN),
              refusals);
      hits += r.hits();
      misses += r.misses();
      data = TrainingRun.usable(data, r.skipped());
      wanted =
          data.validationExamples().stream().filter(e -> !values.containsKey(e.sha256())).toList();
    }
    Set<String> kept = new HashSet<>();
    drawn.forEach(e -> kept.add(e.sha256()));
    List<Dataset.Example> train =
        data.train().stream().filter(e -> kept.contains(e.sha256())).toList();
    return new Drawn(data, train, hits, misses);
  }
}
