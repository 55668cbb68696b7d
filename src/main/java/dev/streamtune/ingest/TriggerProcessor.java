package dev.streamtune.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts new examples per model and emits a {@code TrainingRequest}: THRESHOLD when a model's count
 * reaches its threshold, SCHEDULE when a wall-clock punctuator finds a model with at least {@code
 * minExamples} waiting longer than {@code maxDelay}. Each emission resets the count.
 *
 * <p>Once a second (wall clock) it also forwards, for each model whose count changed, a status line
 * for {@code training.status} as JSON text: {@code
 * {"source":"ingest","modelId","newExamples","threshold","at"}}, so that dashboards in any process
 * show how far a model is from its next training.
 */
final class TriggerProcessor implements Processor<String, Long, String, Object> {
  static final String STORE = "model-counters";
  static final Duration STATUS_EVERY = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final IngestConfig config;
  private final Set<String> changed = new LinkedHashSet<>();
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, String> counters;

  TriggerProcessor(IngestConfig config) {
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.counters = context.getStateStore(STORE);
    context.schedule(STATUS_EVERY, PunctuationType.WALL_CLOCK_TIME, this::status);
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
    changed.add(record.key());
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

  private void status(long now) {
    for (String modelId : changed) {
      String json =
          JSON.createObjectNode()
              .put("source", "ingest")
              .put("modelId", modelId)
              .put("newExamples", read(counters.get(modelId))[0])
              .put("threshold", config.thresholdOf(modelId))
              .put("at", Instant.ofEpochMilli(now).toString())
              .toString();
      context.forward(new Record<>(modelId, json, now));
    }
    changed.clear();
  }

  private void emit(String modelId, long count, TrainingReason reason, long now) {
    counters.put(modelId, "0;0");
    changed.add(modelId);
    TrainingRequest request =
        TrainingRequest.newBuilder()
            .setRequestId(UUID.randomUUID().toString())
            .setModelId(modelId)
            .setNewExamples(count)
            .setReason(reason)
            .setRequestedAt(Instant.ofEpochMilli(now))
            .build();
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
