package dev.streamtune.feedback;

import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.ChampionDecisions;
import dev.streamtune.events.Prediction;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The challenger's judge: counts each model's predictions into its {@link Trial} and, when a
 * challenger has answered {@code feedback.challenger.window} times, forwards a {@link
 * ChampionDecision} (PROMOTED, or KEPT with the challenger settled so that serve stops trying it)
 * and a status line (JSON, {@code "source":"challenger"}) with the statistics that decided.
 */
final class ChallengerProcessor implements Processor<String, Prediction, String, Object> {
  static final String STORE = "challenger";
  private final FeedbackConfig config;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, String> store;

  ChallengerProcessor(FeedbackConfig config) {
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, Prediction> record) {
    Prediction p = record.value();
    String model = p.getModelId();
    String json = store.get(model);
    Trial t = json == null ? new Trial() : Trial.fromJson(json);
    var verdict = t.add(p, config);
    store.put(model, t.toJson());
    if (verdict.isEmpty()) {
      return;
    }
    Trial.Verdict v = verdict.get();
    long now = context.currentSystemTimeMs();
    Instant at = Instant.ofEpochMilli(now);
    String detail = v.detail().toString();
    ChampionDecision d =
        v.promote()
            ? ChampionDecisions.promoted(
                model, v.challenger(), v.challenger(), ChampionDecisions.BY_TRIAL, detail, at)
            : ChampionDecisions.kept(
                model, v.champion(), v.challenger(), ChampionDecisions.BY_TRIAL, detail, at);
    context.forward(new Record<>(ChampionDecisions.key(d), d, now));
    var status =
        v.detail()
            .deepCopy()
            .put("source", "challenger")
            .put("modelId", model)
            .put("outcome", d.getOutcome().name())
            .put("at", at.toString());
    context.forward(new Record<>(model, status.toString(), now));
  }
}
