package dev.streamtune.feedback;

/**
 * The population stability index of two histograms over the same bins: Σ (aᵢ − eᵢ)·ln(aᵢ / eᵢ),
 * each share smoothed by half a count so that an empty bin costs a finite amount. 0 when the shares
 * agree; by the usual reading, under 0.1 stable, 0.1–0.25 moderate, over 0.25 a significant shift.
 * Between two samples of n from one distribution over b bins it is about (b − 1)·2/n by chance.
 */
final class Psi {
  private Psi() {}

  /**
   * The index of {@code actual} against {@code expected}.
   *
   * @throws IllegalArgumentException when the histograms differ in length
   */
  static double of(long[] expected, long[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException(
          "bins differ: " + expected.length + " against " + actual.length);
    }
    double ne = 0.5 * expected.length;
    double na = 0.5 * actual.length;
    for (int i = 0; i < expected.length; i++) {
      ne += expected[i];
      na += actual[i];
    }
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = (expected[i] + 0.5) / ne;
      double a = (actual[i] + 0.5) / na;
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }
}
