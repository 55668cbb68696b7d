package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SubscriberStatusTest {
  private Instant now = Instant.parse("2025-01-01T00:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  @Test
  void failuresInARowBackOffExponentiallyUpToACapAndProgressStartsOver() {
    SubscriberStatus s = new SubscriberStatus(clock);
    assertThat(s.problem()).isEmpty();
    assertThat(s.stuckSince()).isEmpty();
    assertThat(s.failed("registry down")).isEqualTo(Duration.ofMillis(500));
    Instant first = now;
    now = now.plusSeconds(1);
    assertThat(s.failed("registry down")).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.failed("registry down")).isEqualTo(Duration.ofSeconds(2));
    for (int i = 0; i < 20; i++) {
      s.failed("registry down");
    }
    assertThat(s.failed("registry down still")).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.stuckSince()).contains(first);
    assertThat(s.problem())
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .contains("stuck since 2025-01-01T00:00:00Z")
                    .contains("registry down still"));
    assertThat(s.alive()).isTrue();
    s.progressed();
    assertThat(s.problem()).isEmpty();
    assertThat(s.failed("again")).isEqualTo(Duration.ofMillis(500));
    assertThat(s.stuckSince()).contains(now);
  }

  @Test
  void stuckForCountsFromTheFirstFailureOnTheClock() {
    SubscriberStatus s = new SubscriberStatus(clock);
    assertThat(s.stuckFor(Duration.ZERO)).isFalse();
    s.failed("down");
    assertThat(s.stuckFor(Duration.ZERO)).isTrue();
    assertThat(s.stuckFor(Duration.ofMinutes(2))).isFalse();
    now = now.plus(Duration.ofMinutes(2));
    s.failed("down");
    assertThat(s.stuckFor(Duration.ofMinutes(2))).isTrue();
  }

  @Test
  void stoppedForGoodIsNotAliveAndSaysWhy() {
    SubscriberStatus s = new SubscriberStatus(clock);
    s.stopped("401 from the registry");
    assertThat(s.alive()).isFalse();
    assertThat(s.stuckFor(Duration.ofDays(1))).isTrue();
    assertThat(s.problem())
        .hasValueSatisfying(
            p -> assertThat(p).contains("stopped for good").contains("401 from the registry"));
  }
}
