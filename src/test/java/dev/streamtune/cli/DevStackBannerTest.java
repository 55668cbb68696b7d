package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.devstack.DevStack.Endpoints;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DevStackBannerTest {

  @Test
  void printsEndpointsExportsAndClientConfigsEndingWithTheReadyLine() {
    String banner =
        DevStackBanner.render(
            new Endpoints(
                "127.0.0.1:9092",
                URI.create("http://127.0.0.1:8081"),
                URI.create("http://127.0.0.1:9000"),
                "streamtune",
                "ak",
                "sk",
                Path.of("/data")));
    assertThat(banner)
        .contains("export STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092")
        .contains("export STREAMTUNE_SCHEMA_REGISTRY_URL=http://127.0.0.1:8081")
        .contains("export STREAMTUNE_S3_ENDPOINT=http://127.0.0.1:9000")
        .contains("export STREAMTUNE_S3_SECRET_KEY=sk")
        .contains("brokers: ['127.0.0.1:9092']")
        .contains("{'bootstrap.servers': '127.0.0.1:9092'}")
        .contains("kcat -b 127.0.0.1:9092");
    assertThat(banner.strip().lines().reduce((a, b) -> b)).hasValue(DevStackBanner.LAST_LINE);
  }
}
