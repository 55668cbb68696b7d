package dev.streamtune.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {

  @Test
  void answersUpToTheLimitAreReadAndLongerOnesRefusedWithoutReadingThemAll() throws Exception {
    String ok = "{\"id\":1}";
    assertThat(
            SchemaRegistryClient.boundedText(
                new ByteArrayInputStream(ok.getBytes(StandardCharsets.UTF_8)), 200))
        .isEqualTo(ok);
    assertThat(
            SchemaRegistryClient.boundedText(
                new ByteArrayInputStream(new byte[SchemaRegistryClient.MAX_RESPONSE_BYTES]), 200))
        .hasSize(SchemaRegistryClient.MAX_RESPONSE_BYTES);
    EndlessStream endless = new EndlessStream();
    assertThatThrownBy(() -> SchemaRegistryClient.boundedText(endless, 200))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(200);
              assertThat(Failures.classify(e)).isEqualTo(Failures.Disposition.FATAL);
            })
        .hasMessageContaining("over " + SchemaRegistryClient.MAX_RESPONSE_BYTES);
    assertThat(endless.read).isEqualTo(SchemaRegistryClient.MAX_RESPONSE_BYTES + 1L);
    assertThat(endless.closed).isTrue();
  }

  /** A body that never ends, counting what was read. */
  private static final class EndlessStream extends InputStream {
    long read;
    boolean closed;

    @Override
    public int read() {
      read++;
      return 'x';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      read += len;
      return len;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
