package dev.streamtune.cli;

import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.EventSchemas;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.RegisteredSchema;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistry;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingRequest;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamtune schemas register}: registers the {@code .avsc} text of every event under its
 * topic's subject, for registries where serializers must not auto-register.
 */
@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    description =
        "Register the event schemas (LabelledImage, TrainingRequest, ModelVersion, Prediction, "
            + "LabellingRequest, ChampionDecision) under their "
            + "topics' subjects, with FULL_TRANSITIVE compatibility.")
final class RegisterSchemasCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = "--compatibility",
      paramLabel = "<level>",
      defaultValue = "FULL_TRANSITIVE",
      description =
          "compatibility level set on each subject first; KEEP leaves the registry's (default: ${DEFAULT-VALUE})")
  String compatibility;

  @Override
  public void run() {
    var source = SettingOptions.source(spec);
    RegistryConfig config = RegistryConfig.from(source);
    TopicNames topics = TopicNames.from(source);
    Map<String, Class<? extends SpecificRecord>> byTopic = new LinkedHashMap<>();
    byTopic.put(topics.labelledImages(), LabelledImage.class);
    byTopic.put(topics.trainingRequests(), TrainingRequest.class);
    byTopic.put(topics.modelVersions(), ModelVersion.class);
    byTopic.put(topics.predictions(), Prediction.class);
    byTopic.put(topics.labellingRequests(), LabellingRequest.class);
    byTopic.put(topics.championDecisions(), ChampionDecision.class);
    PrintWriter out = spec.commandLine().getOut();
    try (SchemaRegistry registry = new SchemaRegistryClient(config)) {
      for (var e : byTopic.entrySet()) {
        String subject =
            config.subjectStrategy().subject(e.getKey(), false, EventSchemas.schema(e.getValue()));
        if (!compatibility.equalsIgnoreCase("KEEP")) {
          registry.setCompatibility(subject, compatibility);
        }
        String text = EventSchemas.text(e.getValue());
        int id = registry.register(subject, text);
        RegisteredSchema r = registry.lookup(subject, text);
        out.printf(
            "%-40s id %d, version %d (%s)%n",
            subject, id, r.version(), registry.compatibility(subject));
      }
    }
    out.flush();
  }
}
