package dev.streamtune.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfFloatTest {
  @Test
  void everyHalfValueRoundTripsExactly() {
    for (int bits = 0; bits < 0x10000; bits++) {
      short h = (short) bits;
      float f = HalfFloat.toFloat(h);
      if (Float.isNaN(f)) {
        assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(f))).isNaN();
      } else {
        assertThat(HalfFloat.fromFloat(f)).as("0x%04x", bits).isEqualTo(h);
      }
    }
  }

  @Test
  void roundsToNearestWithinHalfAnUlp() {
    Random r = new Random(5);
    for (int i = 0; i < 200_000; i++) {
      float f = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
      float back = HalfFloat.toFloat(HalfFloat.fromFloat(f));
      if (Math.abs(f) >= 6.104e-5f) {
        assertThat((double) Math.abs(back - f))
            .as("%s", f)
            .isLessThanOrEqualTo(Math.abs(f) * 0x1p-11 * 1.0001);
      } else {
        assertThat((double) Math.abs(back - f)).as("%s", f).isLessThanOrEqualTo(0x1p-25);
      }
    }
  }

  @Test
  void specialValues() {
    assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(65504f))).isEqualTo(65504f);
    assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(1e6f))).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(-1e6f))).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(HalfFloat.fromFloat(-0f)).isEqualTo((short) 0x8000);
    assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(1e-9f))).isZero();
    assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(Float.NaN))).isNaN();
    assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(6.0f))).isEqualTo(6.0f);
    assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(1.0009765625f))).isEqualTo(1.0009765625f);
  }
}
