package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.EventSchemas;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@WithStack
class RegisterSchemasCommandIT {

  @Test
  void registersEveryEventUnderItsTopicSubjectWithFullTransitive(Stack stack) {
    String prefix = stack.unique("cli") + ".";
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));

    int rc =
        cl.execute(
            "schemas",
            "register",
            "--schema-registry-url",
            stack.registryUrl().toString(),
            "--topic-prefix",
            prefix);

    assertThat(rc).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(prefix + "images.labelled-value")
        .contains(prefix + "training.requests-value")
        .contains(prefix + "models.versions-value")
        .contains(prefix + "predictions-value")
        .contains(prefix + "labelling.requests-value");
    try (var c = new SchemaRegistryClient(stack.registry())) {
      assertThat(c.subjects())
          .contains(
              prefix + "images.labelled-value",
              prefix + "training.requests-value",
              prefix + "models.versions-value",
              prefix + "predictions-value",
              prefix + "labelling.requests-value");
      assertThat(
              c.lookup(prefix + "models.versions-value", EventSchemas.text(ModelVersion.class))
                  .version())
          .isEqualTo(1);
      assertThat(c.compatibility(prefix + "images.labelled-value")).isEqualTo("FULL_TRANSITIVE");
      assertThat(c.compatibility(prefix + "predictions-value")).isEqualTo("FULL_TRANSITIVE");
    }
    assertThat(
            cl.execute(
                "schemas",
                "register",
                "--schema-registry-url",
                stack.registryUrl().toString(),
                "--topic-prefix",
                prefix))
        .isZero();
  }

  @Test
  void anUnreachableRegistryFailsWithTheUrlInTheMessage() {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    int rc =
        cl.execute(
            "schemas",
            "register",
            "--schema-registry-url",
            "http://127.0.0.1:9",
            "--schema-registry-retries",
            "0");
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains("127.0.0.1:9").contains("did not answer");
  }
}
