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
    ServeConfig some = ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.models", " pets, cars ,",
        "serve.max.body.kib", "64")));
    assertThat(some.models()).containsExactlyInAnyOrder("pets", "cars");
    assertThat(some.serves("pets")).isTrue();
    assertThat(some.serves("boats")).isFalse();
    assertThat(some.maxBodyBytes()).isEqualTo(64 * 1024);
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.port", "70000"))))
        .hasMessageContaining("serve.port");
    assertThatThrownBy(() -> ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.top.k", "0"))))
        .hasMessageContaining("serve.top.k");
  }

  @Test
  void theTokenIsASecretFromTheEnvironmentAndNeverShown() {
    assertThat(ServeConfig.AUTH_TOKEN.secret()).isTrue();
    assertThat(ServeConfig.defaults().authToken()).isNull();
    ServeConfig guarded = ServeConfig.from(ConfigSource.of(Map.of(),
        Map.of("STREAMTUNE_SERVE_AUTH_TOKEN", "a-long-enough-token")));
    assertThat(guarded.authToken()).isEqualTo("a-long-enough-token");
    assertThat(guarded.toString()).doesNotContain("a-long-enough-token").contains("bearer token");
    assertThat(ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.auth.token", "a-long-enough-token")))
        .authToken()).as("not from the command line").isNull();
    assertThatThrownBy(() -> ServeConfig.from(ConfigSource.of(Map.of(), Map.of("STREAMTUNE_SERVE_AUTH_TOKEN",
        "short")))).hasMessageContaining("serve.auth.token").hasMessageNotContaining("short");
  }
}
