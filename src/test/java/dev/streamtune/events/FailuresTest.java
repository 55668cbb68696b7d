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
    var e =
        new MalformedPayloadException(
            MalformedPayloadException.Reason.WRONG_MAGIC_BYTE, -1, "x", null);
    assertThat(Failures.classify(e)).isEqualTo(DEAD_LETTER);
    assertThat(Failures.classify(new RuntimeException("wrapped", e))).isEqualTo(DEAD_LETTER);
  }

  @Test
  void unreachableOrFailingRegistryIsRetried() {
    assertThat(Failures.classify(new SchemaRegistryException(0, 0, "connection refused")))
        .isEqualTo(RETRY);
    assertThat(Failures.classify(new SchemaRegistryException(500, 50001, "store")))
        .isEqualTo(RETRY);
    assertThat(Failures.classify(new SchemaRegistryException(503, 0, "busy"))).isEqualTo(RETRY);
    assertThat(Failures.classify(new SchemaRegistryException(429, 0, "slow down")))
        .isEqualTo(RETRY);
    assertThat(Failures.classify(new SchemaRegistryException(408, 0, "timeout"))).isEqualTo(RETRY);
  }

  @Test
  void refusedRegistryRequestsAreFatal() {
    assertThat(Failures.classify(new SchemaRegistryException(401, 401, "unauthorized")))
        .isEqualTo(FATAL);
    assertThat(Failures.classify(new SchemaRegistryException(403, 403, "forbidden")))
        .isEqualTo(FATAL);
    assertThat(Failures.classify(new SchemaRegistryException(409, 409, "incompatible")))
        .isEqualTo(FATAL);
    assertThat(Failures.classify(new SchemaRegistryException(404, 40401, "no subject")))
        .isEqualTo(FATAL);
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

  /** A server's answer to a request made for one record, as an object store reports it. */
  private record Answer(int status, String code) implements ServerRefusal {}

  private static RuntimeException refused(int status, String code) {
    return new RuntimeException(
        "S3 answered " + status, new RefusedException(new Answer(status, code)));
  }

  private static final class RefusedException extends RuntimeException implements ServerRefusal {
    private final Answer answer;

    RefusedException(Answer answer) {
      super(answer.status() + " " + answer.code());
      this.answer = answer;
    }

    @Override
    public int status() {
      return answer.status();
    }

    @Override
    public String code() {
      return answer.code();
    }
  }

  @Test
  void aPerRecord4xxIsBadData() {
    assertThat(Failures.forRecord(refused(400, "MetadataTooLarge"))).isEqualTo(DEAD_LETTER);
    assertThat(Failures.forRecord(refused(400, "KeyTooLongError"))).isEqualTo(DEAD_LETTER);
    assertThat(Failures.forRecord(refused(403, "AccessDenied"))).isEqualTo(DEAD_LETTER);
    assertThat(Failures.forRecord(refused(404, "NoSuchBucket"))).isEqualTo(DEAD_LETTER);
    assertThat(Failures.forRecord(refused(409, "OperationAborted"))).isEqualTo(DEAD_LETTER);
    assertThat(Failures.forRecord(refused(411, "MissingContentLength"))).isEqualTo(DEAD_LETTER);
  }

  @Test
  void aPerRecordServerOrNetworkFaultIsRetried() {
    assertThat(Failures.forRecord(refused(500, "InternalError"))).isEqualTo(RETRY);
    assertThat(Failures.forRecord(refused(503, "SlowDown"))).isEqualTo(RETRY);
    assertThat(Failures.forRecord(refused(408, "RequestTimeout"))).isEqualTo(RETRY);
    assertThat(Failures.forRecord(refused(429, "TooManyRequests"))).isEqualTo(RETRY);
    assertThat(
            Failures.forRecord(new java.io.UncheckedIOException(new ConnectException("refused"))))
        .isEqualTo(RETRY);
  }

  @Test
  void refusedCredentialsStopEvenForOneRecord() {
    assertThat(Failures.forRecord(refused(401, "Unauthorized"))).isEqualTo(FATAL);
    assertThat(Failures.forRecord(refused(403, "InvalidAccessKeyId"))).isEqualTo(FATAL);
    assertThat(Failures.forRecord(refused(403, "SignatureDoesNotMatch"))).isEqualTo(FATAL);
    assertThat(Failures.forRecord(refused(400, "ExpiredToken"))).isEqualTo(FATAL);
  }

  @Test
  void perRecordFallsBackToTheGeneralRules() {
    assertThat(Failures.forRecord(new IllegalStateException("bug"))).isEqualTo(FATAL);
    assertThat(
            Failures.forRecord(
                new MalformedPayloadException(
                    MalformedPayloadException.Reason.WRONG_MAGIC_BYTE, -1, "x", null)))
        .isEqualTo(DEAD_LETTER);
    assertThat(Failures.forRecord(refused(-1, "")))
        .as("no known status: a bug, as before")
        .isEqualTo(FATAL);
  }

  @Test
  void aWriteToOurOwnBucketThatIsGoneStopsInsteadOfDeadLetteringEveryRecord() {
    assertThat(Failures.forWrite(refused(404, "NoSuchBucket"))).isEqualTo(FATAL);
    assertThat(Failures.forWrite(new IllegalStateException(refused(404, "NoSuchBucket"))))
        .isEqualTo(FATAL);
    assertThat(Failures.forWrite(refused(400, "MetadataTooLarge"))).isEqualTo(DEAD_LETTER);
    assertThat(Failures.forWrite(refused(503, "SlowDown"))).isEqualTo(RETRY);
    assertThat(Failures.forRecord(refused(404, "NoSuchBucket")))
        .as("an ImageRef's bucket")
        .isEqualTo(DEAD_LETTER);
  }

  @Test
  void outsideARecordAStorageRefusalStaysFatal() {
    assertThat(Failures.classify(refused(403, "AccessDenied"))).isEqualTo(FATAL);
  }
}
