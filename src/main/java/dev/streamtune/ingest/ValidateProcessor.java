package dev.streamtune.ingest;

import dev.streamtune.events.LabelledImage;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Validates each decoded event and re-keys it by {@code modelId/sha256}, so that all events of one
 * image of one model meet on one partition. A broken rule throws {@link ValidationException}, which
 * the processing exception handler dead-letters with the source record's original bytes. The
 * source's topic, partition, offset and key travel on in headers, for the store stage's dead
 * letters ({@link DeadLetters.Rebuild}).
 */
final class ValidateProcessor implements Processor<byte[], LabelledImage, String, LabelledImage> {
  /**
   * Header carrying the format found from the magic bytes, so storing need not read the header
   * again.
   */
  static final String FORMAT = "streamtune.format";

  private final Validator validator;
  private ProcessorContext<String, LabelledImage> context;

  ValidateProcessor(Validator validator) {
    this.validator = validator;
  }

  @Override
  public void init(ProcessorContext<String, LabelledImage> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], LabelledImage> record) {
    if (record.value() == null) {
      return;
    }
    Validator.Valid valid = validator.validate(record.value());
    Record<String, LabelledImage> out =
        record.withKey(record.value().getModelId() + "/" + valid.sha256());
    out.headers()
        .remove(FORMAT)
        .add(FORMAT, valid.info().format().getBytes(StandardCharsets.US_ASCII));
    out.headers().remove(DeadLetters.SOURCE).remove(DeadLetters.SOURCE_KEY);
    context
        .recordMetadata()
        .ifPresent(
            m ->
                out.headers()
                    .add(
                        DeadLetters.SOURCE,
                        (m.topic() + "/" + m.partition() + "/" + m.offset())
                            .getBytes(StandardCharsets.UTF_8)));
    if (record.key() != null) {
      out.headers().add(DeadLetters.SOURCE_KEY, record.key());
    }
    context.forward(out);
  }
}
