package dev.streamtune.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SubjectNameStrategy;
import dev.streamtune.events.TopicNames;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSourceTest {

  @Test
  void namesDeriveFromTheKey() {
    assertThat(RegistryConfig.URL.option()).isEqualTo("--schema-registry-url");
    assertThat(RegistryConfig.URL.envVar()).isEqualTo("STREAMTUNE_SCHEMA_REGISTRY_URL");
  }

  @Test
  void cliBeatsEnvironmentBeatsDefault() {
    var source =
        ConfigSource.of(
            Map.of("schema.registry.url", "http://cli:1"),
            Map.of(
                "STREAMTUNE_SCHEMA_REGISTRY_URL",
                "http://env:2",
                "STREAMTUNE_SCHEMA_REGISTRY_RETRIES",
                "3"));
    RegistryConfig c = RegistryConfig.from(source);
    assertThat(c.url()).isEqualTo(URI.create("http://cli:1"));
    assertThat(c.retries()).isEqualTo(3);
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.subjectStrategy()).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
  }

  @Test
  void badValuesNameTheSettingAndItsSources() {
    assertThatThrownBy(
            () ->
                RegistryConfig.from(
                    ConfigSource.ofSettings(Map.of("schema.registry.url", "ftp://x"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url")
        .hasMessageContaining("--schema-registry-url")
        .hasMessageContaining("http");
    assertThatThrownBy(
            () ->
                RegistryConfig.from(
                    ConfigSource.ofSettings(Map.of("schema.registry.retries", "-1"))))
        .hasMessageContaining("schema.registry.retries")
        .hasMessageContaining("0 to 100");
    assertThatThrownBy(
            () ->
                RegistryConfig.from(
                    ConfigSource.ofSettings(Map.of("schema.registry.timeout", "soon"))))
        .hasMessageContaining("duration");
    assertThatThrownBy(
            () ->
                RegistryConfig.from(
                    ConfigSource.ofSettings(
                        Map.of("schema.registry.subject.strategy", "by-magic"))))
        .hasMessageContaining("TOPIC_NAME");
  }

  @Test
  void secretsComeOnlyFromTheEnvironmentAndAreNeverEchoed() {
    var fromCli = ConfigSource.of(Map.of("schema.registry.basic.auth.user.info", "u:p"), Map.of());
    assertThat(RegistryConfig.from(fromCli).basicAuthUserInfo()).isNull();
    var fromEnv =
        ConfigSource.of(Map.of(), Map.of("STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "u:p"));
    assertThat(RegistryConfig.from(fromEnv).basicAuthUserInfo()).isEqualTo("u:p");
    assertThat(RegistryConfig.from(fromEnv).toString()).doesNotContain("u:p");
    var bad =
        ConfigSource.of(
            Map.of(), Map.of("STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "nocolon"));
    assertThatThrownBy(() -> RegistryConfig.from(bad))
        .hasMessageContaining("(hidden)")
        .hasMessageNotContaining("nocolon");
  }

  @Test
  void durationsAndBooleansParseInTheUsualForms() {
    assertThat(Setting.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Setting.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Setting.parseDuration("PT2S")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Setting.parseBoolean("off")).isFalse();
    assertThat(Setting.parseBoolean("YES")).isTrue();
  }

  @Test
  void topicNamesTakeAPrefixAndRefuseIllegalNames() {
    TopicNames t = TopicNames.from(ConfigSource.ofSettings(Map.of("topic.prefix", "team-a.")));
    assertThat(t.labelledImages()).isEqualTo("team-a.images.labelled");
    assertThat(t.modelVersions()).isEqualTo("team-a.models.versions");
    assertThat(TopicNames.defaults().deadLetters()).isEqualTo("images.labelled.dlq");
    assertThatThrownBy(
            () -> TopicNames.from(ConfigSource.ofSettings(Map.of("topic.images", "a/b"))))
        .hasMessageContaining("topic.images");
  }
}
