package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.config.ConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeConfigTest {
  @Test
  void modelsStarServesEveryModelAndAListServesOnlyIt() {
    ServeConfig all = ServeConfig.defaults();
    assertThat(all.models()).isEmpty();
    assertThat(all.serves("anything")).isTrue();
    assertThat(all.port()).isEqualTo(8080);
    assertThat(all.maxBodyBytes()).isEqualTo(10 * 1024 * 1024);
    ServeConfig some =
        ServeConfig.from(
            ConfigSource.ofSettings(
                Map.of("serve.models", " pets, cars ,", "serve.max.body.kib", "64")));
    assertThat(some.models()).containsExactlyInAnyOrder("pets", "cars");
    assertThat(some.serves("pets")).isTrue();
    assertThat(some.serves("boats")).isFalse();
    assertThat(some.maxBodyBytes()).isEqualTo(64 * 1024);
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    assertThatThrownBy(
            () -> ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.port", "70000"))))
        .hasMessageContaining("serve.port");
    assertThatThrownBy(() -> ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.top.k", "0"))))
        .hasMessageContaining("serve.top.k");
  }

  @Test
  void theTokenIsASecretFromTheEnvironmentAndNeverShown() {
    assertThat(ServeConfig.AUTH_TOKEN.secret()).isTrue();
    assertThat(ServeConfig.defaults().authToken()).isNull();
    ServeConfig guarded =
        ServeConfig.from(
            ConfigSource.of(
                Map.of(), Map.of("STREAMTUNE_SERVE_AUTH_TOKEN", "a-long-enough-token")));
    assertThat(guarded.authToken()).isEqualTo("a-long-enough-token");
    assertThat(guarded.toString()).doesNotContain("a-long-enough-token").contains("bearer token");
    assertThat(
            ServeConfig.from(
                    ConfigSource.ofSettings(Map.of("serve.auth.token", "a-long-enough-token")))
                .authToken())
        .as("not from the command line")
        .isNull();
    assertThatThrownBy(
            () ->
                ServeConfig.from(
                    ConfigSource.of(Map.of(), Map.of("STREAMTUNE_SERVE_AUTH_TOKEN", "short"))))
        .hasMessageContaining("serve.auth.token")
        .hasMessageNotContaining("short");
  }

  @Test
  void anUnauthenticatedServeListensOnLoopbackUnlessToldOtherwise() {
    ServeConfig open = ServeConfig.defaults();
    assertThat(open.bind()).isEqualTo("127.0.0.1");
    assertThat(open.loopbackOnly()).isTrue();
    ServeConfig guarded =
        ServeConfig.from(
            ConfigSource.of(
                Map.of(), Map.of("STREAMTUNE_SERVE_AUTH_TOKEN", "a-long-enough-token")));
    assertThat(guarded.bind()).isEqualTo("0.0.0.0");
    assertThat(guarded.loopbackOnly()).isFalse();
    ServeConfig told = ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.bind", "0.0.0.0")));
    assertThat(told.bind()).isEqualTo("0.0.0.0");
    assertThat(told.authToken()).isNull();
    assertThat(told.with(0, java.util.Set.of("pets"), java.nio.file.Path.of("c")).bind())
        .isEqualTo("0.0.0.0");
    ServeConfig loopback = ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.bind", "::1")));
    assertThat(loopback.withAuthToken("a-long-enough-token").bind())
        .as("a token never widens a bind")
        .isEqualTo("::1");
    assertThat(told.withAuthToken("a-long-enough-token").bind()).isEqualTo("0.0.0.0");
    assertThat(
            ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.bind", "::1"))).loopbackOnly())
        .isTrue();
    assertThatThrownBy(
            () -> ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.bind", "a host"))))
        .hasMessageContaining("serve.bind");
  }

  @Test
  void theReadTimeoutConcurrencyLimitAndStuckLimitHaveDefaultsAndBounds() {
    ServeConfig d = ServeConfig.defaults();
    assertThat(d.readTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(d.maxConcurrent()).isEqualTo(4);
    assertThat(d.maxStuck()).isEqualTo(java.time.Duration.ofMinutes(2));
    ServeConfig set =
        ServeConfig.from(
            ConfigSource.ofSettings(
                Map.of(
                    "serve.read.timeout",
                    "500ms",
                    "serve.max.concurrent",
                    "1",
                    "serve.subscriber.max.stuck",
                    "0s")));
    assertThat(set.readTimeout()).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(set.maxConcurrent()).isEqualTo(1);
    assertThat(set.maxStuck()).isZero();
    assertThat(set.toString()).contains("readTimeout=PT0.5S", "maxConcurrent=1", "bind=127.0.0.1");
    for (Map.Entry<String, String> bad :
        Map.of(
                "serve.read.timeout",
                "50ms",
                "serve.max.concurrent",
                "0",
                "serve.subscriber.max.stuck",
                "soon")
            .entrySet()) {
      assertThatThrownBy(() -> ServeConfig.from(ConfigSource.ofSettings(Map.ofEntries(bad))))
          .as(bad.toString())
          .hasMessageContaining(bad.getKey());
    }
    assertThatThrownBy(
            () -> ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.read.timeout", "11m"))))
        .hasMessageContaining("serve.read.timeout");
  }
}
