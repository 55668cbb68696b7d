package dev.streamtune.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.Failures;
import io.minio.errors.InvalidResponseException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * A proxy or gateway in front of S3 answers with its own HTML page: a 4xx such page is a refusal
 * (dead-lettered for one record), not an outage retried until the budget runs out; a 5xx one, or
 * one without a status, stays an outage.
 */
class MinioObjectStoreTest {
  @Test
  void aNonS3FourHundredIsARefusalAndAFiveHundredAnOutage() {
    RuntimeException denied =
        MinioObjectStore.nonXml(
            new InvalidResponseException(403, "text/html", "<html>Forbidden</html>", null),
            "get uploads/a.png",
            "uploads");
    assertThat(denied).isInstanceOf(ObjectStoreException.class).hasMessageContaining("403");
    assertThat(((ObjectStoreException) denied).status()).isEqualTo(403);
    assertThat(Failures.forRecord(denied)).isEqualTo(Failures.Disposition.DEAD_LETTER);
    RuntimeException gateway =
        MinioObjectStore.nonXml(
            new InvalidResponseException(502, "text/html", "<html>Bad Gateway</html>", null),
            "put examples/a.png",
            "streamtune");
    assertThat(gateway).isInstanceOf(UncheckedIOException.class);
    assertThat(Failures.forRecord(gateway)).isEqualTo(Failures.Disposition.RETRY);
    RuntimeException throttled =
        MinioObjectStore.nonXml(
            new InvalidResponseException(429, "text/plain", "slow down", null),
            "put examples/a.png",
            "streamtune");
    assertThat(Failures.forRecord(throttled)).isEqualTo(Failures.Disposition.RETRY);
  }
}
