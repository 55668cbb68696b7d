package dev.streamtune.ingest;

import dev.streamtune.events.ImageRef;
import dev.streamtune.events.InlineImage;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.Names;
import dev.streamtune.image.ImageDecodeException;
import dev.streamtune.image.ImageDecoder;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Publishes a folder-per-class dataset ({@code DIR/label/image.png}, as Keras and Teachable Machine
 * keep them) as {@code LabelledImage} events for one model. Images above a size go through the
 * claim check: uploaded to {@code uploads/{model}/{sha256}.{ext}} first, then sent as an {@code
 * ImageRef}. Event ids derive from (model, label, image), so publishing the same folder again is an
 * idempotent replay for ingest.
 */
public final class DatasetPublisher {

  /**
   * What a run did.
   *
   * @param sent events sent
   * @param refs of which claim checks
   * @param skipped files that are not images or sit in a folder whose name is not a valid label
   * @param bytes image bytes sent or uploaded
   */
  public record Summary(int sent, int refs, int skipped, long bytes) {}

  /** Sends one event; the caller owns the producer. */
  public interface Sender {
    /** Sends an event keyed by its model id. */
    void send(LabelledImage event);
  }

  private final ImageDecoder decoder = new ImageDecoder(Long.MAX_VALUE);
  private final ObjectStore store;
  private final Clock clock;

  /**
   * @param store where claim-checked images are uploaded
   * @param clock for {@code capturedAt}
   */
  public DatasetPublisher(ObjectStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The image files of a dataset, label folders in order. */
  public static List<Path> images(Path dir) {
    try (Stream<Path> labels = Files.list(dir)) {
      List<Path> out = new ArrayList<>();
      for (Path label : labels.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> files = Files.list(label)) {
          files.filter(Files::isRegularFile).sorted().forEach(out::add);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the dataset " + dir, e);
    }
  }

  /**
   * Publishes every image.
   *
   * @param refAbove images larger than this many bytes are claim-checked
   * @param progress told after each file
   */
  public Summary publish(
      List<Path> files, String modelId, long refAbove, Sender sender, Consumer<Path> progress) {
    if (!Names.valid(modelId)) {
      throw new IllegalArgumentException("Invalid model id " + modelId);
    }
    int sent = 0;
    int refs = 0;
    int skipped = 0;
    long bytes = 0;
    for (Path f : files) {
      String label = f.getParent().getFileName().toString();
      byte[] data;
      try {
        data = Files.readAllBytes(f);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + f, e);
      }
      ImageDecoder.Info info;
      try {
        info = decoder.probe(data);
      } catch (ImageDecodeException e) {
        skipped++;
        progress.accept(f);
        continue;
      }
      if (!Names.valid(label)) {
        skipped++;
        progress.accept(f);
        continue;
      }
      String sha = Validator.sha256(data);
      String contentType = "image/" + info.format();
      LabelledImage.Builder event =
          LabelledImage.newBuilder()
              .setEventId(
                  UUID.nameUUIDFromBytes(
                          (modelId + "/" + label + "/" + sha).getBytes(StandardCharsets.UTF_8))
                      .toString())
              .setModelId(modelId)
              .setLabel(label)
              .setCapturedAt(clock.instant())
              .setAttributes(
                  Map.of("source", "streamtune produce", "file", f.getFileName().toString()));
      if (data.length > refAbove) {
        String key = BucketLayout.upload(modelId, sha, info.extension());
        store.put(key, data, contentType, Map.of());
        event.setImage(
            ImageRef.newBuilder()
                .setUri("s3://" + store.bucket() + "/" + key)
                .setSha256(sha)
                .setContentType(contentType)
                .build());
        refs++;
      } else {
        event.setImage(
            InlineImage.newBuilder()
                .setData(ByteBuffer.wrap(data))
                .setContentType(contentType)
                .build());
      }
      sender.send(event.build());
      sent++;
      bytes += data.length;
      progress.accept(f);
    }
    return new Summary(sent, refs, skipped, bytes);
  }
}
