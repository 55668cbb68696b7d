package dev.streamtune.train;

import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A model's current examples, as listed from {@code examples/{modelId}/{label}/{sha256}.{ext}}
 * (labels are the folder names), with the validation split.
 *
 * <p>The split is decided by each image's sha256, so an image never changes sides as the dataset
 * grows: an image is in validation when the first 32 bits of its hash, modulo 100, fall below the
 * percentage. It is stratified: a label with at least two images and none drawn that way gets its
 * smallest-hash image in validation. A new image can only take that place by having a smaller hash
 * than every image the label had, so no image a parent version trained on ever moves into
 * validation.
 *
 * <p>A label's validation images may be capped ({@link Holdout#perLabel}): those with the smallest
 * hashes are kept and the others train. As a label grows, an image can only leave validation that
 * way (a new image with a smaller hash takes its place), never join it, so the promise above holds
 * (save after an erasure, which can let an image back in). The cap keeps the cost of validation,
 * and of the guard-rails, flat as a model grows.
 *
 * @param modelId the model
 * @param examples every example, sorted by label then sha256
 * @param validation sha256 of each validation image
 * @param holdout how the validation split was drawn
 */
public record Dataset(
    String modelId, List<Example> examples, java.util.Set<String> validation, Holdout holdout) {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Dataset.class);

  /**
   * One stored example.
   *
   * @param sha256 content hash of the image
   * @param label its current label
   * @param key its object key
   */
  public record Example(String sha256, String label, String key) {}

  /**
   * How the validation split is drawn.
   *
   * @param percent share of images, by the first 32 bits of their sha256 modulo 100
   * @param perLabel the most validation images of one label; 0 for no cap
   */
  public record Holdout(int percent, int perLabel) {
    /** A split by percentage alone. */
    public static Holdout percent(int percent) {
      return new Holdout(percent, 0);
    }
  }

  /** Copies the collections. */
  public Dataset {
    examples = List.copyOf(examples);
    validation = java.util.Set.copyOf(validation);
  }

  /**
   * Lists a model's examples. An image in two label folders at once counts once, under the label of
   * its higher revision ({@link BucketLayout#REVISION}; the first label in sorted order when
   * neither has one), and is not silent: each such conflict is logged as a warning naming the
   * image, its folders and the one training uses, and a trainer's run counts it in {@code
   * streamtune.train.label.conflicts{model}}. A relabel caught half-way by a crash is one (ingest's
   * replay finishes it); a late write of a fenced ingest instance landing after another instance's
   * relabel is another, which the revision resolves and which stays until an operator deletes the
   * stale object (docs/operations.md).
   */
  public static Dataset list(ObjectStore store, String modelId, int validationPercent) {
    return list(store, modelId, Holdout.percent(validationPercent), () -> {});
  }

  /**
   * As {@link #list(ObjectStore, String, int)}, telling {@code conflict} of each label conflict.
   */
  static Dataset list(ObjectStore store, String modelId, Holdout holdout, Runnable conflict) {
    Map<String, Example> bySha = new TreeMap<>();
    for (String key : store.list(BucketLayout.prefix(modelId))) {
      BucketLayout.parse(modelId, key)
          .ifPresent(
              p -> {
                Example e = new Example(p.sha256(), p.label(), key);
                Example kept = bySha.putIfAbsent(e.sha256(), e);
                if (kept != null && !kept.label().equals(e.label())) {
                  Example winner = revision(store, e) > revision(store, kept) ? e : kept;
                  bySha.put(e.sha256(), winner);
                  LOG.warn(
                      "Label conflict in model {}: image {} is in label folders {} and {}; training uses {}, the "
                          + "higher revision",
                      modelId,
                      e.sha256(),
                      kept.label(),
                      e.label(),
                      winner.label());
                  conflict.run();
                }
              });
    }
    return of(modelId, new ArrayList<>(bySha.values()), holdout);
  }

  private static long revision(ObjectStore store, Example e) {
    return store.metadata(e.key()).map(BucketLayout::revision).orElse(-1L);
  }

  /** A dataset of the given examples, split. */
  public static Dataset of(String modelId, List<Example> examples, int validationPercent) {
    return of(modelId, examples, Holdout.percent(validationPercent));
  }

  /** A dataset of the given examples, split as {@code holdout} says. */
  public static Dataset of(String modelId, List<Example> examples, Holdout holdout) {
    List<Example> sorted = new ArrayList<>(examples);
    sorted.sort(Comparator.comparing(Example::label).thenComparing(Example::sha256));
    java.util.Set<String> validation = new java.util.HashSet<>();
    Map<String, List<Example>> byLabel = new LinkedHashMap<>();
    sorted.forEach(e -> byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e));
    int cap = holdout.perLabel() == 0 ? Integer.MAX_VALUE : holdout.perLabel();
    for (List<Example> group : byLabel.values()) {
      int drawn = 0;
      for (Example e : group) {
        if (drawn < cap
            && Integer.remainderUnsigned(
                    Integer.parseUnsignedInt(e.sha256().substring(0, 8), 16), 100)
                < holdout.percent()) {
          validation.add(e.sha256());
          drawn++;
        }
      }
      if (drawn == 0 && group.size() >= 2) {
        validation.add(group.get(0).sha256());
      }
    }
    return new Dataset(modelId, sorted, validation, holdout);
  }

  /** This dataset without the given images, split again the same way. */
  public Dataset without(java.util.Collection<String> sha256s) {
    if (sha256s.isEmpty()) {
      return this;
    }
    java.util.Set<String> out = java.util.Set.copyOf(sha256s);
    return of(modelId, examples.stream().filter(e -> !out.contains(e.sha256())).toList(), holdout);
  }

  /** The labels, sorted. */
  public List<String> labels() {
    return new ArrayList<>(new TreeSet<>(examples.stream().map(Example::label).toList()));
  }

  /** Examples per label. */
  public Map<String, Long> perLabel() {
    Map<String, Long> out = new TreeMap<>();
    examples.forEach(e -> out.merge(e.label(), 1L, Long::sum));
    return out;
  }

  /** The training split. */
  public List<Example> train() {
    return examples.stream().filter(e -> !validation.contains(e.sha256())).toList();
  }

  /** The validation split. */
  public List<Example> validationExamples() {
    return examples.stream().filter(e -> validation.contains(e.sha256())).toList();
  }

  /** sha256 over the sorted {@code sha256 label} lines. */
  public String digest() {
    var sha = Digests.sha256();
    List<String> lines =
        new ArrayList<>(examples.stream().map(e -> e.sha256() + " " + e.label() + "\n").toList());
    lines.sort(null);
    lines.forEach(l -> sha.update(l.getBytes(StandardCharsets.UTF_8)));
    return HexFormat.of().formatHex(sha.digest());
  }

  /**
   * How many examples are not in {@code previous}, a map of sha256 to label, or carry another
   * label.
   */
  public long changedSince(Map<String, String> previous) {
    return examples.stream().filter(e -> !e.label().equals(previous.get(e.sha256()))).count();
  }

  /** The examples as a map of sha256 to label. */
  public Map<String, String> labelsBySha() {
    Map<String, String> out = new HashMap<>();
    examples.forEach(e -> out.put(e.sha256(), e.label()));
    return out;
  }
}
