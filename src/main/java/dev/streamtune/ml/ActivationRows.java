package dev.streamtune.ml;

import java.util.List;

/**
 * Rows of activation maps, each read into a float buffer when a batch needs it, so that a large set
 * can be held compactly (as binary16, for instance) while a fine-tuning runs over it.
 */
public interface ActivationRows {
  /** How many rows there are. */
  int size();

  /** Writes row {@code row}, row-major, into {@code dst} from {@code offset}. */
  void read(int row, float[] dst, int offset);

  /** Rows backed by float arrays, all of the same length. */
  static ActivationRows of(List<float[]> rows) {
    return new ActivationRows() {
      @Override
      public int size() {
        return rows.size();
      }

      @Override
      public void read(int row, float[] dst, int offset) {
        float[] r = rows.get(row);
        System.arraycopy(r, 0, dst, offset, r.length);
      }
    };
  }
}
