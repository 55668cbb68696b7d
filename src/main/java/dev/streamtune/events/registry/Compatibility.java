package dev.streamtune.events.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Confluent's compatibility levels, checked with Avro's {@link SchemaCompatibility}.
 *
 * <p>BACKWARD: the new schema reads data written with the old. FORWARD: the old reads the new.
 * FULL: both. The {@code _TRANSITIVE} forms check against every earlier version, the others only
 * against the latest.
 */
public enum Compatibility {
  /** No check. */
  NONE,
  /** New reads latest. */
  BACKWARD,
  /** New reads all earlier. */
  BACKWARD_TRANSITIVE,
  /** Latest reads new. */
  FORWARD,
  /** All earlier read new. */
  FORWARD_TRANSITIVE,
  /** Both ways with the latest. */
  FULL,
  /** Both ways with all earlier versions: the default for Streamtune's subjects. */
  FULL_TRANSITIVE;

  /** Whether every earlier version is checked, not only the latest. */
  public boolean transitive() {
    return name().endsWith("_TRANSITIVE");
  }

  /**
   * Checks a candidate against earlier versions, oldest first.
   *
   * @return one message per incompatibility; empty when compatible
   */
  public List<String> check(Schema candidate, List<Schema> earlier) {
    List<String> problems = new ArrayList<>();
    if (this == NONE || earlier.isEmpty()) {
      return problems;
    }
    List<Schema> against = transitive() ? earlier : List.of(earlier.get(earlier.size() - 1));
    boolean backward = this != FORWARD && this != FORWARD_TRANSITIVE;
    boolean forward = this != BACKWARD && this != BACKWARD_TRANSITIVE;
    for (Schema old : against) {
      if (backward) {
        describe(candidate, old, "new schema cannot read data written with the old", problems);
      }
      if (forward) {
        describe(old, candidate, "old schema cannot read data written with the new", problems);
      }
    }
    return problems;
  }

  private static void describe(Schema reader, Schema writer, String what, List<String> out) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (Incompatibility i : result.getIncompatibilities()) {
      out.add(what + ": " + i.getType() + " at " + i.getLocation() + ": " + i.getMessage());
    }
  }
}
