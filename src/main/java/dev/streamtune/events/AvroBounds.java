package dev.streamtune.events;

import java.util.List;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body by its writer schema before it is decoded, checking every declared
 * length and count against the bytes that are really there, so that a hostile record cannot make
 * the decoder allocate (or loop over) what a length field claims: a 20-byte record that declares a
 * 2 GB string is refused here, without the allocation. Avro's own limits ({@code
 * org.apache.avro.limits.*}) are system properties that an embedding application may not set; this
 * check does not depend on them.
 */
final class AvroBounds {
  private final byte[] b;
  private int p;

  private AvroBounds(byte[] b, int offset) {
    this.b = b;
    this.p = offset;
  }

  /** Why the body is malformed. */
  static final class Violation extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean truncated;

    Violation(boolean truncated, String message) {
      super(message, null, false, false);
      this.truncated = truncated;
    }
  }

  /**
   * Checks {@code b} from {@code offset} against {@code schema}.
   *
   * @throws Violation truncated when a length or the data runs past the end, corrupt otherwise
   */
  static void check(Schema schema, byte[] b, int offset) throws Violation {
    new AvroBounds(b, offset).walk(schema);
  }

  private void walk(Schema s) throws Violation {
    switch (s.getType()) {
      case NULL -> {}
      case BOOLEAN -> skip(1);
      case INT, LONG, ENUM -> varint();
      case FLOAT -> skip(4);
      case DOUBLE -> skip(8);
      case FIXED -> skip(s.getFixedSize());
      case STRING, BYTES -> skip(length());
      case RECORD -> {
        for (Schema.Field f : s.getFields()) {
          walk(f.schema());
        }
      }
      case UNION -> {
        long i = varint();
        List<Schema> types = s.getTypes();
        if (i < 0 || i >= types.size()) {
          throw new Violation(false, "union index " + i + " of " + types.size() + " branches");
        }
        walk(types.get((int) i));
      }
      case ARRAY -> blocks(s.getElementType(), false);
      case MAP -> blocks(s.getValueType(), true);
      default -> throw new Violation(false, "unsupported type " + s.getType());
    }
  }

  private void blocks(Schema item, boolean map) throws Violation {
    for (long count = varint(); count != 0; count = varint()) {
      if (count < 0) {
        count = -count;
        length();
      }
      if (count > b.length - p) {
        throw new Violation(
            true, "a block declares " + count + " items with " + (b.length - p) + " bytes left");
      }
      for (long i = 0; i < count; i++) {
        if (map) {
          skip(length());
        }
        walk(item);
      }
    }
  }

  private long length() throws Violation {
    long n = varint();
    if (n < 0) {
      throw new Violation(false, "negative length " + n);
    }
    return n;
  }

  private void skip(long n) throws Violation {
    if (n > b.length - p) {
      throw new Violation(
          true, "a value declares " + n + " bytes with " + (b.length - p) + " left");
    }
    p += (int) n;
  }

  private long varint() throws Violation {
    long raw = 0;
    for (int shift = 0; ; shift += 7) {
      if (p >= b.length) {
        throw new Violation(true, "the data ends inside a number");
      }
      if (shift > 63) {
        throw new Violation(false, "a number of more than 10 bytes");
      }
      int x = b[p++] & 0xff;
      raw |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
  }
}
