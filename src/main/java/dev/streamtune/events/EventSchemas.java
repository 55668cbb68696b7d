package dev.streamtune.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@code .avsc} texts of the top-level events, as shipped in the jar under {@code schemas/}.
 *
 * <p>These texts, not the generated classes' {@code SCHEMA$}, are what gets registered: the
 * generated schema carries {@code avro.java.string} properties and would get another id.
 */
public final class EventSchemas {
  /** The top-level event types, each with a self-contained {@code .avsc}. */
  public static final List<Class<? extends SpecificRecord>> TOP_LEVEL =
      List.of(
          LabelledImage.class,
          TrainingRequest.class,
          ModelVersion.class,
          Prediction.class,
          LabellingRequest.class,
          ChampionDecision.class);

  private static final Map<Class<?>, String> TEXTS = new ConcurrentHashMap<>();

  private EventSchemas() {}

  /**
   * The registered text of a top-level event type.
   *
   * @throws IllegalArgumentException if the type has no {@code .avsc} of its own
   */
  public static String text(Class<? extends SpecificRecord> type) {
    return TEXTS.computeIfAbsent(type, EventSchemas::load);
  }

  /** The parsed form of {@link #text(Class)}. */
  public static Schema schema(Class<? extends SpecificRecord> type) {
    return new Schema.Parser().parse(text(type));
  }

  private static String load(Class<?> type) {
    String path = "schemas/" + type.getSimpleName() + ".avsc";
    try (InputStream in = EventSchemas.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException(type.getName() + " has no schema file " + path);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String name = new Schema.Parser().parse(text).getFullName();
      if (!name.equals(type.getName())) {
        throw new IllegalArgumentException(path + " defines " + name + ", not " + type.getName());
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
