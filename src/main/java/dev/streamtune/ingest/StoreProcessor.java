package dev.streamtune.ingest;

import dev.streamtune.events.ImageRef;
import dev.streamtune.events.InlineImage;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.ml.ImageDecoder;
import dev.streamtune.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides, from the examples state store, whether an event is a new example, a relabel or a
 * duplicate, and only then touches object storage: a new example is written to
 * {@code examples/{model}/{label}/{sha256}.{ext}}; a relabel writes the new location, then deletes
 * the old. Both are idempotent, so a replay after a crash or an aborted transaction writes the same
 * objects again and, since the store rolled back with it, counts each change once. Emits one
 * change per new example or relabel, keyed by model id.
 *
 * <p>The writes go through the {@link WriteBarrier}: several are in flight at once, and the
 * thread's transaction does not commit until they have all finished.
 */
final class StoreProcessor implements Processor<String, LabelledImage, String, Long> {
  static final String STORE = "examples";
  private final Validator validator;
  private final ObjectStore store;
  private final StorageRetry retry;
  private final ImageDecoder decoder;
  private final WriteBarrier barrier;
  private ProcessorContext<String, Long> context;
  private KeyValueStore<String, String> examples;

  StoreProcessor(Validator validator, ObjectStore store, StorageRetry retry, long maxPixels, WriteBarrier barrier) {
    this.validator = validator;
    this.store = store;
    this.retry = retry;
    this.decoder = new ImageDecoder(maxPixels);
    this.barrier = barrier;
  }

  @Override
  public void init(ProcessorContext<String, Long> context) {
    this.context = context;
    this.examples = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, LabelledImage> record) {
    LabelledImage e = record.value();
    String state = examples.get(record.key());
    String oldLabel = state == null ? null : state.substring(0, state.indexOf('\t'));
    if (e.getLabel().equals(oldLabel)) {
      IngestMetrics.duplicate();
      return;
    }
    byte[] bytes = e.getImage() instanceof InlineImage inline ? Validator.toArray(inline.getData())
        : validator.read((ImageRef) e.getImage());
    var header = record.headers().lastHeader(ValidateProcessor.FORMAT);
    String format = header != null ? new String(header.value(), StandardCharsets.US_ASCII) : decoder.probe(bytes).format();
    String ext = ImageDecoder.extension(format);
    String sha = record.key().substring(record.key().indexOf('/') + 1);
    String target = key(e.getModelId(), e.getLabel(), sha, ext);
    String old = oldLabel == null ? null : key(e.getModelId(), oldLabel, sha, ext);
    Map<String, String> meta = metadata(e);
    barrier.submit(record.key(), () -> {
      retry.run("put " + target, () -> store.put(target, bytes, "image/" + format, meta));
      if (old != null) {
        retry.run("delete " + old, () -> store.delete(old));
      }
      IngestMetrics.stored(old == null ? "new" : "relabel", bytes.length);
    });
    examples.put(record.key(), e.getLabel() + "\t" + e.getEventId());
    context.forward(record.withKey(e.getModelId()).withValue(1L));
  }

  /** Where an example lives. */
  static String key(String modelId, String label, String sha256, String ext) {
    return "examples/" + modelId + "/" + label + "/" + sha256 + "." + ext;
  }

  private static Map<String, String> metadata(LabelledImage e) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("event-id", ascii(e.getEventId()));
    m.put("captured-at", e.getCapturedAt().toString());
    e.getAttributes().forEach((k, v) -> m.put("attr-" + k.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-"),
        ascii(v)));
    return m;
  }

  private static String ascii(String s) {
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
