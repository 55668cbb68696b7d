package dev.streamtune.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The training examples a run with a bounded budget trains on, drawn before anything is read, so
 * that it reads and computes values for those alone and its cost does not grow with the dataset: a
 * class-balanced draw of at most {@code budget} examples, as many from each label as the budget
 * allows (a label with fewer gives all it has and the others share the rest), at random but
 * repeatably for the same seed. Each run draws with its own seed, so over the versions of a lineage
 * every example is rehearsed.
 */
final class Rehearsal {
  private Rehearsal() {}

  /** At most {@code budget} of {@code train}, class-balanced, in {@code train}'s order. */
  static List<Dataset.Example> draw(List<Dataset.Example> train, int budget, long seed) {
    if (train.size() <= budget) {
      return train;
    }
    Map<String, List<Dataset.Example>> byLabel = new LinkedHashMap<>();
    train.forEach(e -> byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e));
    List<List<Dataset.Example>> groups = new ArrayList<>(byLabel.values());
    groups.sort((a, b) -> Integer.compare(a.size(), b.size()));
    Random random = new Random(seed);
    Set<Dataset.Example> chosen = new java.util.HashSet<>();
    int left = budget;
    for (int i = 0; i < groups.size(); i++) {
      List<Dataset.Example> g = new ArrayList<>(groups.get(i));
      int share = Math.min(g.size(), left / (groups.size() - i));
      Collections.shuffle(g, random);
      chosen.addAll(g.subList(0, share));
      left -= share;
    }
    return train.stream().filter(chosen::contains).collect(Collectors.toList());
  }
}
