package dev.streamtune.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The feature-extraction benchmark behind {@code bench/features/run.sh}.
 *
 * <ul>
 *   <li>{@code prepare DIR N}: writes N varied 320×240 PNGs (crops of the test photos and synthetic
 *       recipes), the images both Streamtune and the TF.js peer read.
 *   <li>{@code run DIR SECONDS BATCH...}: images per second from PNG bytes in memory to feature
 *       vectors, decoding included, per batch size, after a warm-up; one JSON line each.
 *   <li>{@code soak DIR COUNT}: COUNT extractions at the configured batch size, sampling RSS.
 * </ul>
 */
public final class FeatureBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FeatureBench() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "prepare" -> prepare(Path.of(args[1]), Integer.parseInt(args[2]));
      case "run" ->
          run(Path.of(args[1]), Double.parseDouble(args[2]), List.of(args).subList(3, args.length));
      case "soak" -> soak(Path.of(args[1]), Integer.parseInt(args[2]));
      default -> throw new IllegalArgumentException("prepare | run | soak");
    }
  }

  private static void prepare(Path dir, int n) throws IOException {
    Files.createDirectories(dir);
    List<BufferedImage> sources = new ArrayList<>();
    for (byte[] b : GoldenImages.all().values()) {
      sources.add(ImageIO.read(new ByteArrayInputStream(b)));
    }
    for (int i = 0; i < n; i++) {
      BufferedImage src = sources.get(i % sources.size());
      int w = Math.max(1, src.getWidth() * (60 + (i * 7) % 40) / 100);
      int h = Math.max(1, src.getHeight() * (60 + (i * 11) % 40) / 100);
      int x = (src.getWidth() - w) * ((i * 13) % 10) / 10;
      int y = (src.getHeight() - h) * ((i * 17) % 10) / 10;
      BufferedImage out = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
      out.getGraphics()
          .drawImage(
              src.getSubimage(x, y, w, h).getScaledInstance(320, 240, Image.SCALE_SMOOTH),
              0,
              0,
              null);
      Files.write(dir.resolve(String.format("img-%04d.png", i)), GoldenImages.png(out));
    }
  }

  private static void run(Path dir, double seconds, List<String> batches) throws Exception {
    List<byte[]> images = load(dir);
    for (String b : batches) {
      int batch = Integer.parseInt(b);
      FeatureConfig config =
          FeatureConfig.defaults().withBatchSize(batch).withWorkers(batch == 1 ? 1 : 2);
      int chunk = batch * 8;
      try (FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(config), config)) {
        for (int w = 0; w < 2; w++) {
          fx.extract(slice(images, w * chunk, chunk));
        }
        long n = 0;
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        int at = 0;
        while (System.nanoTime() < end) {
          fx.extract(slice(images, at, chunk));
          at += chunk;
          n += chunk;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("peer", "streamtune");
        line.put("layers", fx.backbone().featureLayers());
        line.put("batch", batch);
        line.put("workers", config.workers());
        line.put("images", n);
        line.put("seconds", s);
        line.put("imagesPerSecond", n / s);
        line.put("peakRssMiB", status("VmHWM") / 1024);
        System.out.println(JSON.writeValueAsString(line));
      }
    }
  }

  private static void soak(Path dir, int count) throws Exception {
    List<byte[]> images = load(dir);
    FeatureConfig config = FeatureConfig.defaults();
    try (FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(config), config)) {
      List<Long> rss = new ArrayList<>();
      long t0 = System.nanoTime();
      int chunk = config.batchSize() * 8;
      for (int done = 0; done < count; done += chunk) {
        fx.extract(slice(images, done, chunk));
        if (done % 2000 < chunk) {
          rss.add(status("VmRSS") / 1024);
        }
      }
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("soak", count);
      line.put("seconds", (System.nanoTime() - t0) / 1e9);
      line.put("rssMiBEvery2000", rss);
      line.put("peakRssMiB", status("VmHWM") / 1024);
      System.out.println(JSON.writeValueAsString(line));
    }
  }

  private static List<byte[]> load(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<byte[]> out = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".png")).sorted().toList()) {
        out.add(Files.readAllBytes(p));
      }
      return out;
    }
  }

  private static List<byte[]> slice(List<byte[]> images, int from, int n) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(images.get((from + i) % images.size()));
    }
    return out;
  }

  /** A /proc/self/status figure in KiB. */
  private static long status(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
