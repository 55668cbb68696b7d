package dev.streamtune.events;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Routes a processor's mixed output: each record of one event type to that event's topic, anything
 * else, as text, to {@code training.status}. What ingest's trigger and the drift monitor ({@link
 * TrainingRequests#route}) and the challenger's judge (its decisions) all emit.
 */
public final class StatusRoute {
  private StatusRoute() {}

  /**
   * Adds the routing.
   *
   * @param what the event's name in the nodes' names: {@code as-{what}}, {@code {what}s}
   * @param prefix put before the names of the nodes it adds, so that two routings in one topology
   *     differ ({@code ""} for none)
   */
  public static <T> void route(
      KStream<String, Object> out,
      Class<T> type,
      String topic,
      Serde<T> serde,
      TopicNames topics,
      String what,
      String prefix) {
    out.split(Named.as(prefix + "out-"))
        .branch(
            (k, v) -> type.isInstance(v),
            Branched.withConsumer(
                s ->
                    s.mapValues(v -> type.cast(v), Named.as(prefix + "as-" + what))
                        .to(
                            topic,
                            Produced.with(Serdes.String(), serde).withName(prefix + what + "s")),
                what + "s"))
        .defaultBranch(
            Branched.withConsumer(
                s ->
                    s.mapValues(Object::toString, Named.as(prefix + "as-status"))
                        .to(
                            topics.trainingStatus(),
                            Produced.with(Serdes.String(), Serdes.String())
                                .withName(prefix + "status")),
                "status"));
  }
}
