package dev.streamtune.cli;

import dev.streamtune.devstack.DevStack;
import dev.streamtune.devstack.DevStackConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code streamtune dev-stack}: the embedded stack, up until Ctrl-C. */
@Command(
    name = "dev-stack",
    mixinStandardHelpOptions = true,
    description = {
      "Start a Kafka broker (KRaft), an S3 server and a schema registry in one JVM on loopback, "
          + "print their endpoints and client configs, and run until Ctrl-C.",
      "Any client can use it: Java, kafkajs, confluent-kafka, kcat, aws-cli."
    })
final class DevStackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    DevStackConfig config = DevStackConfig.from(SettingOptions.source(spec));
    DevStack stack = DevStack.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    stack.close();
                  } finally {
                    stopped.countDown();
                  }
                },
                "dev-stack-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.print(DevStackBanner.render(stack.endpoints()));
    out.flush();
    stopped.await();
    return 0;
  }
}
