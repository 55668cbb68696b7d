package dev.streamtune.ingest;

import dev.streamtune.events.ExampleIndexEntry;
import dev.streamtune.events.Failures;
import dev.streamtune.events.ImageRef;
import dev.streamtune.events.InlineImage;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.image.ImageDecoder;
import dev.streamtune.ingest.ValidationException.Reason;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.MDC;

/**
 * Decides, from the examples state store, whether an event is a new example, a relabel or a
 * duplicate, and only then touches object storage: a new example is written to {@code
 * examples/{model}/{label}/{sha256}.{ext}}; a relabel writes the new location, then deletes the
 * old. Both are idempotent, so a replay after a crash or an aborted transaction writes the same
 * objects again and, since the store rolled back with it, counts each change once. Each write
 * carries the image's label revision ({@link BucketLayout#REVISION}), counted in the same store, so
 * a fenced instance's late write is outranked by the new owner's. Emits one {@link
 * ExampleIndexEntry} per new example or relabel, keyed by model id: counted towards a training
 * request, and written to {@code examples.index}.
 *
 * <p>An {@code ImageRef} is read again here, after the repartition, and its bytes must still have
 * the sha256 validation saw (so also its size and pixels); an object replaced since is
 * dead-lettered ({@code REF_SHA_MISMATCH}). A record that is bad here (that check, a 4xx reading
 * the object, or a write refused in an earlier try, see {@link Rejections}) is emitted as a {@link
 * DeadLetters.StoreDeadLetter}: the original event in the input's wire format with headers pointing
 * at the input topic, so that {@code dlq replay} re-sends it there.
 *
 * <p>The writes go through the {@link WriteBarrier}: several are in flight at once, and the
 * thread's transaction does not commit until they have all finished.
 */
final class StoreProcessor implements Processor<String, LabelledImage, String, Object> {
  static final String STORE = "examples";
  private final IngestMetrics metrics;
  private final Validator validator;
  private final ObjectStore store;
  private final StorageRetry retry;
  private final ImageDecoder decoder;
  private final WriteBarrier barrier;
  private final Rejections rejections;
  private final DeadLetters.Rebuild rebuild;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, String> examples;

  StoreProcessor(
      Validator validator,
      ObjectStore store,
      StorageRetry retry,
      long maxPixels,
      WriteBarrier barrier,
      Rejections rejections,
      String inputTopic,
      Serializer<LabelledImage> wire,
      IngestMetrics metrics) {
    this.metrics = metrics;
    this.validator = validator;
    this.store = store;
    this.retry = retry;
    this.decoder = new ImageDecoder(maxPixels);
    this.barrier = barrier;
    this.rejections = rejections;
    this.rebuild = new DeadLetters.Rebuild(inputTopic, wire, metrics);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.examples = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, LabelledImage> record) {
    try (var m = MDC.putCloseable("modelId", record.value().getModelId())) {
      store(record);
    } catch (ValidationException e) {
      context.forward(rebuild.of(record, e, context.currentSystemTimeMs()));
    }
  }

  private void store(Record<String, LabelledImage> record) {
    LabelledImage e = record.value();
    String stored = examples.get(record.key());
    String[] state = stored == null ? null : stored.split("\t", -1);
    String oldLabel = state == null ? null : state[0];
    long revision = (state != null && state.length > 2 ? Long.parseLong(state[2]) : 0) + 1;
    if (e.getLabel().equals(oldLabel)) {
      metrics.duplicate();
      return;
    }
    String id = record.key() + "\t" + e.getEventId();
    String refused = rejections.take(id);
    if (refused != null) {
      throw new ValidationException(Reason.STORE_REFUSED, refused);
    }
    String sha = record.key().substring(record.key().indexOf('/') + 1);
    byte[] bytes =
        e.getImage() instanceof InlineImage inline
            ? Validator.toArray(inline.getData())
            : reread(e, sha);
    var header = record.headers().lastHeader(ValidateProcessor.FORMAT);
    String format =
        header != null
            ? new String(header.value(), StandardCharsets.US_ASCII)
            : decoder.probe(bytes).format();
    String ext = ImageDecoder.extension(format);
    String target = key(e.getModelId(), e.getLabel(), sha, ext);
    String old = oldLabel == null ? null : key(e.getModelId(), oldLabel, sha, ext);
    Map<String, String> meta = new LinkedHashMap<>(ExampleMetadata.of(e));
    meta.put(BucketLayout.REVISION, Long.toString(revision));
    long deadline = barrier.deadline(retry.budget());
    try {
      barrier.submit(
          record.key(),
          () -> {
            try {
              retry.runBy(
                  deadline,
                  "put " + target,
                  () -> store.put(target, bytes, "image/" + format, meta));
              if (old != null) {
                retry.runBy(deadline, "delete " + old, () -> store.delete(old));
              }
            } catch (RuntimeException ex) {
              if (Failures.forWrite(ex) == Failures.Disposition.DEAD_LETTER) {
                throw rejections.remember(id, "writing " + target + ": " + ex.getMessage());
              }
              throw ex;
            }
            metrics.stored(old == null ? "new" : "relabel", bytes.length);
          });
    } catch (Rejections.Refused inline) {
      throw new ValidationException(Reason.STORE_REFUSED, rejections.take(id));
    }
    examples.put(record.key(), e.getLabel() + "\t" + e.getEventId() + "\t" + revision);
    context.forward(
        record
            .withKey(e.getModelId())
            .withValue(new ExampleIndexEntry(e.getModelId(), sha, e.getLabel(), target, revision)));
  }

  private byte[] reread(LabelledImage e, String sha) {
    ImageRef ref = (ImageRef) e.getImage();
    byte[] bytes = validator.read(ref);
    String now = Validator.sha256(bytes);
    if (!now.equals(sha)) {
      throw new ValidationException(
          Reason.REF_SHA_MISMATCH,
          "the object at "
              + ref.getUri()
              + " was replaced after "
              + "validation: its sha256 is now "
              + now
              + ", validated as "
              + sha);
    }
    return bytes;
  }

  /** Where an example lives. */
  static String key(String modelId, String label, String sha256, String ext) {
    return BucketLayout.key(modelId, label, sha256, ext);
  }

  /** Whether an output of this processor is a dead letter rather than a count. */
  static boolean isDeadLetter(Object value) {
    return value instanceof DeadLetters.StoreDeadLetter;
  }
}
