package dev.streamtune.feedback;

import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.Prediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides which uncertain predictions ask for a label: each image once per model (within {@code
 * forget}), at most {@code daily} a model per UTC day of this processor's wall clock. Both records
 * live in one store, {@code asked/{model}/{sha256}} → epoch millis asked and {@code
 * day/{model}/{yyyy-mm-dd}} → requests that day, purged hourly.
 */
final class LabellingProcessor implements Processor<String, Prediction, String, LabellingRequest> {
  static final String STORE = "labelling";
  static final Duration PURGE_EVERY = Duration.ofHours(1);
  private final FeedbackConfig config;
  private final Counter requested;
  private final Counter repeat;
  private final Counter overBudget;
  private final Counter unusable;
  private ProcessorContext<String, LabellingRequest> context;
  private KeyValueStore<String, Long> store;

  LabellingProcessor(FeedbackConfig config, MeterRegistry meters) {
    this.config = config;
    this.requested = outcome(meters, "requested");
    this.repeat = outcome(meters, "repeat");
    this.overBudget = outcome(meters, "over-budget");
    this.unusable = outcome(meters, "unusable");
  }

  private static Counter outcome(MeterRegistry meters, String outcome) {
    return Counter.builder("streamtune.feedback.labelling")
        .description("uncertain predictions by what became of them")
        .tag("outcome", outcome)
        .register(meters);
  }

  @Override
  public void init(ProcessorContext<String, LabellingRequest> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::purge);
  }

  @Override
  public void process(Record<String, Prediction> record) {
    Prediction p = record.value();
    if (p == null || p.getImageUri() == null) {
      return;
    }
    Optional<LabellingRequest> request = LabellingRequests.ask(p);
    if (request.isEmpty()) {
      unusable.increment();
      return;
    }
    long now = context.currentSystemTimeMs();
    String asked = "asked/" + p.getModelId() + "/" + p.getImageSha256();
    Long before = store.get(asked);
    if (before != null && now - before < config.forget().toMillis()) {
      repeat.increment();
      return;
    }
    String day = "day/" + p.getModelId() + "/" + LocalDate.ofEpochDay(epochDay(now));
    Long today = store.get(day);
    long count = today == null ? 0 : today;
    if (count >= config.dailyRequests()) {
      overBudget.increment();
      return;
    }
    store.put(day, count + 1);
    store.put(asked, now);
    requested.increment();
    context.forward(new Record<>(p.getModelId(), request.get(), record.timestamp()));
  }

  private static long epochDay(long millis) {
    return Math.floorDiv(millis, Duration.ofDays(1).toMillis());
  }

  /** Drops what no longer decides anything: images asked about before {@code forget}, past days. */
  void purge(long now) {
    LocalDate today = LocalDate.ofEpochDay(epochDay(now));
    List<String> stale = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, Long> e = all.next();
        boolean old =
            e.key.startsWith("asked/")
                ? now - e.value >= config.forget().toMillis()
                : LocalDate.parse(e.key.substring(e.key.lastIndexOf('/') + 1)).isBefore(today);
        if (old) {
          stale.add(e.key);
        }
      }
    }
    stale.forEach(store::delete);
  }
}
