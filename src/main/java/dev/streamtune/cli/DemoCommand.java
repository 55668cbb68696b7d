package dev.streamtune.cli;

import dev.streamtune.demo.Demo;
import dev.streamtune.demo.DemoConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code streamtune demo}: the learning loop on the embedded stack, in one process. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start the embedded stack and every role (ingest, train, serve) in one process, stream a labelled "
          + "dataset in increments, and print each model version as it is trained and announced, with its accuracy on "
          + "held-out images; the dashboard shows it live. Generated shapes by default; --images DIR for your own "
          + "folder-per-class images, --fashion-mnist for Debian's dataset-fashion-mnist."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DemoConfig config = DemoConfig.from(SettingOptions.source(spec));
    PrintWriter out = spec.commandLine().getOut();
    Demo demo = Demo.start(config, out, System.console() != null);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              demo.close();
              stopped.countDown();
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    var summary = demo.run();
    if (!config.keepRunning()) {
      Runtime.getRuntime().removeShutdownHook(hook);
      demo.close();
      return summary.published() > 0 ? 0 : 1;
    }
    out.println(
        "Everything stays up (--keep-running): dashboard "
            + demo.dashboardUrl()
            + ". Ctrl-C stops it.");
    out.flush();
    stopped.await();
    return 0;
  }
}
