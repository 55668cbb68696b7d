package dev.streamtune.ingest;

import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts new examples per model and emits a {@code TrainingRequest}: THRESHOLD when a model's
 * count reaches its threshold, SCHEDULE when a wall-clock punctuator finds a model with at least
 * {@code minExamples} waiting longer than {@code maxDelay}. Each emission resets the count.
 */
final class TriggerProcessor implements Processor<String, Long, String, TrainingRequest> {
  static final String STORE = "model-counters";
  private final IngestConfig config;
  private ProcessorContext<String, TrainingRequest> context;
  private KeyValueStore<String, String> counters;

  TriggerProcessor(IngestConfig config) {
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<String, TrainingRequest> context) {
    this.context = context;
    this.counters = context.getStateStore(STORE);
    if (!config.maxDelay().isZero()) {
      context.schedule(config.scheduleCheck(), PunctuationType.WALL_CLOCK_TIME, this::schedule);
    }
  }

  @Override
  public void process(Record<String, Long> record) {
    long now = context.currentSystemTimeMs();
    long[] c = read(counters.get(record.key()));
    long count = c[0] + record.value();
    long since = c[0] == 0 ? now : c[1];
    if (count >= config.thresholdOf(record.key())) {
      emit(record.key(), count, TrainingReason.THRESHOLD, now);
    } else {
      counters.put(record.key(), count + ";" + since);
    }
  }

  private void schedule(long now) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = counters.all()) {
      while (it.hasNext()) {
        KeyValue<String, String> kv = it.next();
        long[] c = read(kv.value);
        if (c[0] >= config.minExamples() && now - c[1] >= config.maxDelay().toMillis()) {
          due.add(kv);
        }
      }
    }
    due.forEach(kv -> emit(kv.key, read(kv.value)[0], TrainingReason.SCHEDULE, now));
  }

  private void emit(String modelId, long count, TrainingReason reason, long now) {
    counters.put(modelId, "0;0");
    TrainingRequest request = TrainingRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
        .setModelId(modelId).setNewExamples(count).setReason(reason).setRequestedAt(Instant.ofEpochMilli(now)).build();
    context.forward(new Record<>(modelId, request, now));
  }

  private static long[] read(String v) {
    if (v == null) {
      return new long[] {0, 0};
    }
    String[] p = v.split(";");
    return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])};
  }
}
