package dev.streamtune.demo;

import dev.streamtune.ingest.DatasetPublisher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the demo streams: training images in class-balanced increments, one version each, and
 * held-out test images that every version is scored on. Images are files of folder-per-class
 * datasets ({@code DIR/label/image}).
 *
 * @param labels the classes, sorted
 * @param increments the training images of each increment
 * @param test the held-out images
 * @param pool held-out images sent as live traffic in the labelling round, none of them in {@code
 *     test}; their labels are known to the demo only
 */
public record DemoData(
    List<String> labels, List<List<Path>> increments, List<Path> test, List<Path> pool) {

  /** Copies the lists. */
  public DemoData {
    labels = List.copyOf(labels);
    increments = increments.stream().map(List::copyOf).toList();
    test = List.copyOf(test);
    pool = List.copyOf(pool);
  }

  /** Data without a labelling pool. */
  public DemoData(List<String> labels, List<List<Path>> increments, List<Path> test) {
    this(labels, increments, test, List.of());
  }

  /**
   * A copy whose pool is the first {@code perClass} test images of each class (in path order),
   * leaving at least one test image a class.
   */
  public DemoData withPool(int perClass) {
    List<Path> newPool = new ArrayList<>();
    List<Path> newTest = new ArrayList<>();
    byLabel(test)
        .forEach(
            (label, files) -> {
              List<Path> sorted = files.stream().sorted().toList();
              int n = Math.min(perClass, sorted.size() - 1);
              newPool.addAll(sorted.subList(0, n));
              newTest.addAll(sorted.subList(n, sorted.size()));
            });
    return new DemoData(labels, increments, newTest, newPool);
  }

  /**
   * A training folder split into {@code n} increments, each class spread evenly over them, and a
   * separate test folder.
   */
  public static DemoData of(Path trainDir, Path testDir, int n) {
    Map<String, List<Path>> train = byLabel(DatasetPublisher.images(trainDir));
    return new DemoData(
        List.copyOf(train.keySet()), spread(train, n), DatasetPublisher.images(testDir));
  }

  /**
   * One folder split by a seeded shuffle per class: {@code testFraction} of each class (at least
   * one image) held out, the rest spread over {@code n} increments. Classes of fewer than two
   * images are left out.
   *
   * @throws IllegalArgumentException when fewer than two classes have two images or more
   */
  public static DemoData split(Path dir, int n, double testFraction, long seed) {
    Map<String, List<Path>> all = byLabel(DatasetPublisher.images(dir));
    Map<String, List<Path>> train = new TreeMap<>();
    List<Path> test = new ArrayList<>();
    Random r = new Random(seed);
    all.forEach(
        (label, files) -> {
          if (files.size() < 2) {
            return;
          }
          List<Path> shuffled = new ArrayList<>(files);
          Collections.shuffle(shuffled, r);
          int held = Math.max(1, (int) Math.round(files.size() * testFraction));
          test.addAll(shuffled.subList(0, held));
          train.put(label, shuffled.subList(held, shuffled.size()));
        });
    if (train.size() < 2) {
      throw new IllegalArgumentException(
          dir
              + " needs at least two class folders (DIR/label/image) of two images "
              + "or more; it has "
              + all.keySet());
    }
    return new DemoData(List.copyOf(train.keySet()), spread(train, n), test);
  }

  /** Training images in all increments. */
  public int trainSize() {
    return increments.stream().mapToInt(List::size).sum();
  }

  /** The label of an image: its folder's name. */
  public static String label(Path image) {
    return image.getParent().getFileName().toString();
  }

  private static Map<String, List<Path>> byLabel(List<Path> files) {
    return files.stream()
        .collect(Collectors.groupingBy(DemoData::label, TreeMap::new, Collectors.toList()));
  }

  private static List<List<Path>> spread(Map<String, List<Path>> byLabel, int n) {
    List<List<Path>> parts = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      parts.add(new ArrayList<>());
    }
    byLabel
        .values()
        .forEach(
            files -> {
              for (int i = 0; i < files.size(); i++) {
                parts.get((int) ((long) i * n / files.size())).add(files.get(i));
              }
            });
    return parts;
  }
}
