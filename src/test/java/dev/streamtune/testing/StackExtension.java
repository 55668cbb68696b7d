package dev.streamtune.testing;

import dev.streamtune.testing.WithStack.Kind;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.testcontainers.DockerClientFactory;

/**
 * Starts the run's servers on first use (containers with Docker, else the embedded stack), gives
 * each test class a {@link Stack} with its own topic prefix and bucket, and closes the servers when
 * the run ends.
 */
public final class StackExtension
    implements BeforeAllCallback, ParameterResolver, ExecutionCondition {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(StackExtension.class);

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (kindOf(context) == Kind.CONTAINERS && !dockerAvailable(context)) {
      return ConditionEvaluationResult.disabled(
          "No Docker engine here: the Testcontainers path (Apache Kafka, "
              + "Confluent Schema Registry, MinIO) is skipped; the same tests run on DevStack in StackIT");
    }
    return ConditionEvaluationResult.enabled(
        "servers: " + (useContainers(context) ? "containers" : "devstack"));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Servers servers = servers(context);
    String id = UUID.randomUUID().toString().substring(0, 8);
    String bucket = "it-" + id;
    try (MinioClient client = new Stack(servers, "", bucket).minio()) {
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    }
    context.getStore(NS).put(Stack.class, new Stack(servers, "it-" + id + ".", bucket));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Stack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NS).get(Stack.class, Stack.class);
  }

  private Servers servers(ExtensionContext context) {
    boolean containers = useContainers(context);
    String key = containers ? "containers" : "devstack";
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent(
            key, k -> containers ? new ContainerServers() : new DevStackServers(), Servers.class);
  }

  private static boolean useContainers(ExtensionContext context) {
    String forced = System.getProperty("streamtune.stack", "");
    if (kindOf(context) == Kind.CONTAINERS || forced.equals("containers")) {
      return true;
    }
    return !forced.equals("devstack") && dockerAvailable(context);
  }

  private static Kind kindOf(ExtensionContext context) {
    return context
        .getTestClass()
        .flatMap(c -> AnnotationSupport.findAnnotation(c, WithStack.class))
        .map(WithStack::value)
        .orElse(Kind.AUTO);
  }

  private static boolean dockerAvailable(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .getOrComputeIfAbsent(
            "docker", k -> DockerClientFactory.instance().isDockerAvailable(), Boolean.class);
  }
}
