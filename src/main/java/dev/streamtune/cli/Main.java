package dev.streamtune.cli;

import dev.streamtune.config.ConfigException;
import dev.streamtune.config.Setting;
import dev.streamtune.demo.DemoConfig;
import dev.streamtune.devstack.DevStackConfig;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryException;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.feedback.FeedbackConfig;
import dev.streamtune.health.HealthConfig;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.serve.ServeConfig;
import dev.streamtune.store.S3Config;
import dev.streamtune.train.TrainConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Entry point of {@code bin/streamtune}. */
@Command(
    name = "streamtune",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Continuous transfer learning of image classifiers on Kafka.",
    footer = {
      "",
      "Every option can also be set as a STREAMTUNE_* environment variable;"
          + " secrets only that way, or from a file named by STREAMTUNE_*_FILE."
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  @picocli.CommandLine.Option(
      names = "--verbose",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description =
          "Show every log line on the terminal (the commands a person runs print their own lines and keep "
              + "the logs in a file under ~/.streamtune/logs)")
  boolean verbose;

  /** Runs a command line and exits with its status. */
  public static void main(String[] args) {
    LogOutput.configure(
        List.of(args),
        System.getenv(),
        java.nio.file.Path.of(System.getProperty("user.home"), ".streamtune", "logs"),
        System.err,
        java.time.Clock.system(java.time.ZoneId.systemDefault()));
    ThreadDeaths.install();
    System.exit(execute(args));
  }

  /** Runs a command line and returns its status: 0 done, 1 failed, 2 bad usage or settings. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The whole command tree. */
  static CommandLine commandLine() {
    CommandLine register = new CommandLine(new RegisterSchemasCommand());
    SettingOptions.add(
        register.getCommandSpec(),
        SettingOptions.all(RegistryConfig.SETTINGS, TopicNames.SETTINGS));
    CommandLine schemas = new CommandLine(new SchemasCommand()).addSubcommand("register", register);
    CommandLine devStack = new CommandLine(new DevStackCommand());
    SettingOptions.add(devStack.getCommandSpec(), DevStackConfig.SETTINGS, "devstack.");
    CommandLine embed = new CommandLine(new EmbedCommand());
    SettingOptions.add(embed.getCommandSpec(), FeatureConfig.SETTINGS, "ml.");
    CommandLine baseModel = new CommandLine(new BaseModelCommand());
    SettingOptions.add(
        baseModel.getCommandSpec(),
        SettingOptions.all(FeatureConfig.SETTINGS, List.of(TrainConfig.TOP_CUT)));
    CommandLine worker = new CommandLine(new WorkerCommand());
    SettingOptions.add(
        worker.getCommandSpec(),
        SettingOptions.all(
            IngestConfig.SETTINGS,
            TrainConfig.SETTINGS,
            FeatureConfig.SETTINGS,
            KafkaConfig.SETTINGS,
            RegistryConfig.SETTINGS,
            TopicNames.SETTINGS,
            TopicPolicy.SETTINGS,
            S3Config.SETTINGS,
            ServeConfig.SETTINGS,
            FeedbackConfig.SETTINGS,
            HealthConfig.SETTINGS));
    CommandLine serve = new CommandLine(new ServeCommand());
    SettingOptions.add(
        serve.getCommandSpec(),
        SettingOptions.all(
            ServeConfig.SETTINGS,
            KafkaConfig.SETTINGS,
            RegistryConfig.SETTINGS,
            TopicNames.SETTINGS,
            S3Config.SETTINGS));
    CommandLine watch = new CommandLine(new WatchCommand());
    SettingOptions.add(
        watch.getCommandSpec(),
        SettingOptions.all(KafkaConfig.SETTINGS, RegistryConfig.SETTINGS, TopicNames.SETTINGS));
    CommandLine rollback = new CommandLine(new RollbackCommand());
    SettingOptions.add(
        rollback.getCommandSpec(),
        SettingOptions.all(
            KafkaConfig.SETTINGS,
            RegistryConfig.SETTINGS,
            TopicNames.SETTINGS,
            S3Config.SETTINGS,
            List.of(TrainConfig.TRANSACTIONAL_PREFIX)));
    CommandLine promote = new CommandLine(new PromoteCommand());
    SettingOptions.add(
        promote.getCommandSpec(),
        SettingOptions.all(KafkaConfig.SETTINGS, RegistryConfig.SETTINGS, TopicNames.SETTINGS));
    CommandLine models =
        new CommandLine(new ModelsCommand())
            .addSubcommand("rollback", rollback)
            .addSubcommand("promote", promote);
    SettingOptions.add(
        models.getCommandSpec(),
        SettingOptions.all(KafkaConfig.SETTINGS, RegistryConfig.SETTINGS, TopicNames.SETTINGS));
    CommandLine train = new CommandLine(new TrainCommand());
    SettingOptions.add(
        train.getCommandSpec(),
        SettingOptions.all(KafkaConfig.SETTINGS, RegistryConfig.SETTINGS, TopicNames.SETTINGS));
    CommandLine produce = new CommandLine(new ProduceCommand());
    SettingOptions.add(
        produce.getCommandSpec(),
        SettingOptions.all(
            KafkaConfig.SETTINGS, RegistryConfig.SETTINGS, TopicNames.SETTINGS, S3Config.SETTINGS));
    CommandLine label = new CommandLine(new LabelCommand());
    SettingOptions.add(
        label.getCommandSpec(),
        SettingOptions.all(
            KafkaConfig.SETTINGS, RegistryConfig.SETTINGS, TopicNames.SETTINGS, S3Config.SETTINGS));
    CommandLine replay = new CommandLine(new DlqCommand());
    SettingOptions.add(
        replay.getCommandSpec(), SettingOptions.all(KafkaConfig.SETTINGS, TopicNames.SETTINGS));
    CommandLine dlq = new CommandLine(new DlqGroup()).addSubcommand("replay", replay);
    CommandLine delete = new CommandLine(new ExamplesDeleteCommand());
    SettingOptions.add(
        delete.getCommandSpec(),
        SettingOptions.all(
            KafkaConfig.SETTINGS, RegistryConfig.SETTINGS, TopicNames.SETTINGS, S3Config.SETTINGS));
    CommandLine examples = new CommandLine(new ExamplesGroup()).addSubcommand("delete", delete);
    CommandLine demo = new CommandLine(new DemoCommand());
    SettingOptions.add(demo.getCommandSpec(), DemoConfig.SETTINGS, "demo.");
    CommandLine root =
        new CommandLine(new Main())
            .addSubcommand("demo", demo)
            .addSubcommand("schemas", schemas)
            .addSubcommand("dev-stack", devStack)
            .addSubcommand("embed", embed)
            .addSubcommand("base-model", baseModel)
            .addSubcommand("worker", worker)
            .addSubcommand("train", train)
            .addSubcommand("produce", produce)
            .addSubcommand("label", label)
            .addSubcommand("models", models)
            .addSubcommand("serve", serve)
            .addSubcommand("watch", watch)
            .addSubcommand("config-reference", new ConfigReferenceCommand())
            .addSubcommand("dlq", dlq)
            .addSubcommand("examples", examples);
    root.setExecutionExceptionHandler(Main::onError);
    return root;
  }

  /**
   * Every setting, by the part of Streamtune it configures: the configuration reference's order.
   */
  static Map<String, List<Setting<?>>> settingGroups() {
    Map<String, List<Setting<?>>> g = new LinkedHashMap<>();
    g.put("Kafka", KafkaConfig.SETTINGS);
    g.put("Schema registry", RegistryConfig.SETTINGS);
    g.put("Object storage (S3)", S3Config.SETTINGS);
    g.put("Topics", SettingOptions.all(TopicNames.SETTINGS, TopicPolicy.SETTINGS));
    g.put("Ingest", IngestConfig.SETTINGS);
    g.put("Features (the backbone)", FeatureConfig.SETTINGS);
    g.put("Trainer", TrainConfig.SETTINGS);
    g.put("Serve", ServeConfig.SETTINGS);
    g.put("Feedback", FeedbackConfig.SETTINGS);
    g.put("Worker health", HealthConfig.SETTINGS);
    g.put("Dev stack", DevStackConfig.SETTINGS);
    g.put("Demo", DemoConfig.SETTINGS);
    return g;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static int onError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (e instanceof ConfigException) {
      err.println("streamtune: " + e.getMessage());
      return 2;
    }
    if (e instanceof SchemaRegistryException || e instanceof IllegalStateException) {
      err.println("streamtune: " + e.getMessage());
      return 1;
    }
    err.println("streamtune: " + e);
    e.printStackTrace(err);
    return 1;
  }

  /** The version from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "streamtune " + p.getProperty("version", "unknown"),
        "Java " + System.getProperty("java.version")
      };
    }
  }
}
