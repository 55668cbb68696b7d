package dev.streamtune.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.devstack.DevStack;
import dev.streamtune.devstack.DevStackConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.store.MinioObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The cost of publishing predictions, behind {@code bench/predictions/run.sh}: classify requests
 * per second over HTTP from two serve instances on one embedded stack and one model, one publishing
 * none ({@code serve.predictions.sample=0}) and one publishing every classification ({@code 1}),
 * measured alternately at concurrency 1 and 8 ({@code PredictionsBench [SECONDS] [ROUNDS]}, default
 * 15 s, 2 rounds). It reports each measurement, the ratio of the sums, and how many predictions
 * were published, failed or dropped (a dropped one would flatter the ratio). A third instance runs
 * a challenger in shadow mode at the default share ({@code serve.challenger.mode=shadow}, 0.1):
 * version 2 classifies a tenth of its requests behind version 1's answer, which the other two
 * instances no longer serve; its ratio against none is the shadow's cost.
 */
public final class PredictionsBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PredictionsBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Path dir = Path.of("target", "bench-predictions").toAbsolutePath();
    dev.streamtune.store.LocalFiles.deleteTree(dir);
    byte[] jpeg = ServeBench.jpeg();
    ObjectNode out =
        JSON.createObjectNode()
            .put("seconds", seconds)
            .put("rounds", rounds)
            .put("imageBytes", jpeg.length);
    Path model = Announcer.export(dir.resolve("model"), 1);
    TopicNames topics = DevStackConfig.ephemeral(dir, false).topics();
    SimpleMeterRegistry noneMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry allMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry shadowMeters = new SimpleMeterRegistry();
    Path second = Announcer.export(dir.resolve("model-2"), 2);
    ServeConfig base = ServeConfig.defaults();
    try (DevStack stack = DevStack.start(DevStackConfig.ephemeral(dir.resolve("stack"), true));
        MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        Announcer announcer = new Announcer(stack.kafka(), stack.registry(), topics, s3);
        ServeApp none =
            ServeApp.start(
                ServeBench.unlimited(base.with(0, Set.of("bench"), dir.resolve("cache-none"))),
                stack.kafka(),
                stack.registry(),
                topics,
                stack.s3(),
                noneMeters);
        ServeApp all =
            ServeApp.start(
                ServeBench.unlimited(
                    base.with(0, Set.of("bench"), dir.resolve("cache-all"))
                        .withPredictions(new PredictionConfig(1.0, 10_000, 0))),
                stack.kafka(),
                stack.registry(),
                topics,
                stack.s3(),
                allMeters);
        ServeApp shadow =
            ServeApp.start(
                ServeBench.unlimited(
                    base.with(0, Set.of("bench"), dir.resolve("cache-shadow"))
                        .withChallenger(
                            new ChallengerConfig(
                                ChallengerConfig.Mode.SHADOW,
                                ChallengerConfig.SHARE.defaultValue()))),
                stack.kafka(),
                stack.registry(),
                topics,
                stack.s3(),
                shadowMeters)) {
      announcer.announce("bench", 1, VersionStatus.PUBLISHED, model, false);
      announcer.announce("bench", 2, VersionStatus.PUBLISHED, second, false);
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!(none.subscriber().servedVersion("bench") == 2
              && all.subscriber().servedVersion("bench") == 2
              && shadow.subscriber().challenger("bench").isPresent())
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      HttpClient http = HttpClient.newHttpClient();
      Callable<Void> viaNone = classify(http, none.port(), jpeg);
      Callable<Void> viaAll = classify(http, all.port(), jpeg);
      Callable<Void> viaShadow = classify(http, shadow.port(), jpeg);
      ServeBench.measure(viaNone, 1, 5);
      ServeBench.measure(viaAll, 1, 5);
      ServeBench.measure(viaShadow, 1, 5);
      for (int c : new int[] {1, 8}) {
        ObjectNode r = out.putObject("concurrency" + c);
        var noneRuns = r.putArray("none");
        var allRuns = r.putArray("all");
        var shadowRuns = r.putArray("shadow");
        long noneRequests = 0;
        long allRequests = 0;
        long shadowRequests = 0;
        for (int k = 0; k < rounds; k++) {
          ObjectNode n = ServeBench.measure(viaNone, c, seconds);
          ObjectNode a = ServeBench.measure(viaAll, c, seconds);
          ObjectNode w = ServeBench.measure(viaShadow, c, seconds);
          noneRuns.add(n);
          allRuns.add(a);
          shadowRuns.add(w);
          noneRequests += n.get("requests").asLong();
          allRequests += a.get("requests").asLong();
          shadowRequests += w.get("requests").asLong();
        }
        r.put("throughputRatio", (double) allRequests / noneRequests);
        r.put("shadowThroughputRatio", (double) shadowRequests / noneRequests);
        System.err.println("bench: concurrency " + c + " " + r);
      }
    }
    ObjectNode published = out.putObject("predictions");
    for (String outcome : new String[] {"published", "failed", "dropped"}) {
      published.put(outcome, count(allMeters, outcome));
      published.put("byTheUnsampledServer_" + outcome, count(noneMeters, outcome));
      published.put("byTheShadowServer_" + outcome, count(shadowMeters, outcome));
    }
    System.out.println(JSON.writeValueAsString(out));
  }

  private static double count(SimpleMeterRegistry meters, String outcome) {
    var c = meters.find("streamtune.serve.predictions").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  private static Callable<Void> classify(HttpClient http, int port, byte[] jpeg) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models/bench:classify"))
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg))
            .build();
    return () -> {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(r.statusCode() + " " + r.body());
      }
      return null;
    };
  }
}
