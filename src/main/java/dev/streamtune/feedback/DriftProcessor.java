package dev.streamtune.feedback;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The drift monitor: counts each model's sampled predictions into its {@link DriftState} and, at
 * the end of each window of {@code feedback.drift.window} predictions, compares the window with the
 * version's reference. A window past {@code feedback.drift.threshold} after one that was not
 * forwards one {@code TrainingRequest} with reason DRIFT and the statistics in its detail; every
 * compared window forwards a status line (JSON, {@code "source":"drift"}). A newer version starts
 * over (calibration, reference); predictions of an older one, still served during a rollout, are
 * left out.
 */
final class DriftProcessor implements Processor<String, Prediction, String, Object> {
  static final String STORE = "drift";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FeedbackConfig config;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, String> store;

  DriftProcessor(FeedbackConfig config) {
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
    DriftState s = json == null ? null : DriftState.fromJson(json);
    if (s == null || p.getVersion() > s.version) {
      s = new DriftState(p.getVersion());
    } else if (p.getVersion() < s.version) {
      return;
    }
    s.add(p);
    if (s.count >= config.driftWindow()) {
      long now = context.currentSystemTimeMs();
      DriftState.Phase phase = s.phase;
      var verdict = s.close(config.driftThreshold());
      if (verdict.isPresent()) {
        forward(model, s, verdict.get(), now);
      } else {
        context.forward(new Record<>(model, status(model, s, phase, null, now), now));
      }
    }
    store.put(model, s.toJson());
  }

  private void forward(String model, DriftState s, DriftState.Verdict v, long now) {
    context.forward(new Record<>(model, status(model, s, DriftState.Phase.MONITOR, v, now), now));
    if (v.alarm()) {
      context.forward(
          new Record<>(
              model,
              TrainingRequest.newBuilder()
                  .setRequestId(UUID.randomUUID().toString())
                  .setModelId(model)
                  .setNewExamples(0)
                  .setReason(TrainingReason.DRIFT)
                  .setDetail(detail(s, v))
                  .setRequestedAt(Instant.ofEpochMilli(now))
                  .build(),
              now));
    }
  }

  /** The words the model card records. */
  String detail(DriftState s, DriftState.Verdict v) {
    return String.format(
        Locale.ROOT,
        "drift in the traffic v%d served: predicted-class PSI %.3f, confidence PSI %.3f, "
            + "feature-projection PSI %s (threshold %.2f), window %d of %d sampled predictions "
            + "against the version's reference window",
        s.version,
        v.classPsi(),
        v.confidencePsi(),
        Double.isNaN(v.projectionPsi())
            ? "n/a"
            : String.format(Locale.ROOT, "%.3f", v.projectionPsi()),
        config.driftThreshold(),
        s.windows,
        config.driftWindow());
  }

  private String status(
      String model, DriftState s, DriftState.Phase phase, DriftState.Verdict v, long now) {
    var o =
        JSON.createObjectNode()
            .put("source", "drift")
            .put("modelId", model)
            .put("version", s.version)
            .put("phase", phase.name().toLowerCase(Locale.ROOT))
            .put("window", config.driftWindow())
            .put("threshold", config.driftThreshold());
    if (v != null) {
      o.put("windows", s.windows)
          .put("classPsi", v.classPsi())
          .put("confidencePsi", v.confidencePsi())
          .put("score", v.score())
          .put("drifted", v.drifted())
          .put("requested", v.alarm());
      if (!Double.isNaN(v.projectionPsi())) {
        o.put("projectionPsi", v.projectionPsi());
      }
    }
    return o.put("at", Instant.ofEpochMilli(now).toString()).toString();
  }
}
