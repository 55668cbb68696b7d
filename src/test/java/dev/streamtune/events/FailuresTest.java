package dev.streamtune.events;

import static dev.streamtune.events.Failures.Disposition.DEAD_LETTER;
import static dev.streamtune.events.Failures.Disposition.FATAL;
import static dev.streamtune.events.Failures.Disposition.RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.config.ConfigException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void malformedPayloadIsDeadLettered() {
    var e = new MalformedPayloadException(MalformedPayloadException.Reason.WRONG_MAGIC_BYTE, -1, "x", null);
    assertThat(Failures.classify(e)).isEqualTo(DEAD_LETTER);
    assertThat(Failures.classify(new RuntimeException("wrapped", e))).isEqualTo(DEAD_LETTER);
  }

  @Test
  void unreachableOrFailingRegistryIsRetried() {
    assertThat(Failures.classify(new SchemaRegistryException(0, 0, "connection refused"))).isEqualTo(RETRY);
    assertThat(Failures.classify(new SchemaRegistryException(500, 50001, "store"))).isEqualTo(RETRY);
    assertThat(Failures.classify(new SchemaRegistryException(503, 0, "busy"))).isEqualTo(RETRY);
    assertThat(Failures.classify(new SchemaRegistryException(429, 0, "slow down"))).isEqualTo(RETRY);
    assertThat(Failures.classify(new SchemaRegistryException(408, 0, "timeout"))).isEqualTo(RETRY);
  }

  @Test
  void refusedRegistryRequestsAreFatal() {
    assertThat(Failures.classify(new SchemaRegistryException(401, 401, "unauthorized"))).isEqualTo(FATAL);
    assertThat(Failures.classify(new SchemaRegistryException(403, 403, "forbidden"))).isEqualTo(FATAL);
    assertThat(Failures.classify(new SchemaRegistryException(409, 409, "incompatible"))).isEqualTo(FATAL);
    assertThat(Failures.classify(new SchemaRegistryException(404, 40401, "no subject"))).isEqualTo(FATAL);
  }

  @Test
  void ioAndKafkaRetriableErrorsAreRetried() {
    assertThat(Failures.classify(new ConnectException("refused"))).isEqualTo(RETRY);
    assertThat(Failures.classify(new HttpTimeoutException("slow"))).isEqualTo(RETRY);
    assertThat(Failures.classify(new TimeoutException("broker"))).isEqualTo(RETRY);
  }

  @Test
  void configurationAndBugsAreFatal() {
    assertThat(Failures.classify(new ConfigException("bad"))).isEqualTo(FATAL);
    assertThat(Failures.classify(new IllegalStateException("bug"))).isEqualTo(FATAL);
    assertThat(Failures.classify(new NullPointerException())).isEqualTo(FATAL);
  }
}
