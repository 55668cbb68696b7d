package dev.streamtune.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

/**
 * What happens to a real deployment, in a fixed cycle (the caller times the steps): trainers and
 * ingest instances join and leave (a rolling deploy's SIGTERM, a crash's SIGKILL, a scale-out), and
 * S3 and the schema registry each go down for 30 s. Between steps it checks that no process ended
 * on its own.
 */
final class Chaos {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final List<String> CYCLE =
      List.of(
          "start trainer-2",
          "term ingest-2",
          "outage s3",
          "start ingest-2",
          "kill trainer-1",
          "outage registry",
          "start trainer-1",
          "kill ingest-1",
          "start ingest-1",
          "term trainer-2",
          "start trainer-2",
          "kill ingest-2",
          "start ingest-2",
          "term trainer-1",
          "start trainer-1",
          "term ingest-1",
          "start ingest-1",
          "kill trainer-2");
  private final Fleet fleet;
  private final ContinuousOperationIT.Servers servers;
  private final SoakReport report;
  private int step;

  Chaos(Fleet fleet, ContinuousOperationIT.Servers servers, SoakReport report) {
    this.fleet = fleet;
    this.servers = servers;
    this.report = report;
  }

  /** Lets the system run for {@code d}, failing at once if a process ends on its own. */
  void wait(Duration d) {
    await()
        .during(d)
        .atMost(d.plusSeconds(10))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(fleet.unexpectedExits())
                    .as("processes that exited on their own")
                    .isEmpty());
  }

  /** Steps taken so far. */
  int steps() {
    return step;
  }

  /** Takes the next step of the cycle. */
  void next() throws InterruptedException {
    String[] s = CYCLE.get(step++ % CYCLE.size()).split(" ");
    System.out.printf("soak: %s %s%n", s[0], s[1]);
    switch (s[0]) {
      case "start" -> {
        fleet.start(s[1]);
        report.membershipChange();
      }
      case "term", "kill" -> {
        fleet.stop(s[1], s[0].equals("kill"));
        report.membershipChange();
      }
      default -> outage(s[1]);
    }
  }

  private void outage(String server) {
    if (server.equals("s3")) {
      servers.stopS3();
      wait(OUTAGE);
      servers.startS3();
    } else {
      servers.stopRegistry();
      wait(OUTAGE);
      servers.startRegistry();
    }
    report.outage(server);
  }

  /** Starts every process that is stopped, so the system can finish its work. */
  void restoreAll() {
    for (String name : fleet.names()) {
      if (!fleet.running(name)) {
        fleet.start(name);
        report.membershipChange();
      }
    }
  }
}
