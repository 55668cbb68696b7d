package dev.streamtune.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code streamtune serve}: the serve role alone, until SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the newest PUBLISHED version of each model over HTTP, swapping in new versions as they "
          + "are announced on models.versions, until SIGTERM or Ctrl-C.",
      "POST /v1/models/{id}:classify (image body or multipart), GET /v1/models, GET /v1/models/{id}/versions, "
          + "/healthz, /readyz, /metrics (Prometheus)."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return WorkerCommand.run(spec, List.of("serve"));
  }
}
