package dev.streamtune.serve;

import dev.streamtune.digest.Sha256;
import dev.streamtune.events.ChampionAnswer;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.ScoredLabel;
import dev.streamtune.events.ServedAs;
import dev.streamtune.store.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a sample of the classifications served as {@code Prediction} events on the {@code
 * predictions} topic, keyed by model id: the version that answered, the top labels, the margin and
 * entropy that say how sure the model was, and the image's sha256. An uncertain prediction (its
 * margin under {@code serve.uncertain.margin}) is published whatever the sample draws, and its
 * image is kept, content-addressed, under {@code feedback/{modelId}/} in the bucket, the event's
 * {@code imageUri} naming it, so that it can be labelled. Serve's {@code classify} endpoint records
 * every classification here; a program that classifies in-process records its own:
 *
 * <pre>{@code
 * try (PredictionLog log = PredictionLog.open(config, kafka, registry, topics.predictions(), clock, meters)) {
 *   Prediction p = classifier.classify(image);
 *   log.record(p, image, Map.of("app", "shop"));
 * }
 * }</pre>
 *
 * <p>A classification never waits on Kafka: {@link #record} draws the sample and queues the event,
 * and one sender thread ({@link PredictionSender}) hands the queue to the producer. When the queue
 * is full (the broker is down, say) a prediction is dropped and counted; images wait in at most 64
 * MiB, and an uncertain prediction over that is published without its image. Meters: {@code
 * streamtune.serve.predictions{outcome}}, outcome {@code published}, {@code failed} (the producer
 * gave up on it), {@code dropped} (the queue was full) or {@code unkept} (an uncertain prediction
 * whose image could not be kept: published without it). While serve runs a challenger, it says
 * which side answered ({@code servedAs}) and publishes every {@link #shadow} classification, so
 * that the feedback role can judge the trial. Thread-safe.
 */
public final class PredictionLog implements AutoCloseable {
  private final PredictionConfig config;
  private final Clock clock;
  private final PredictionSender sender;

  private PredictionLog(PredictionConfig config, Clock clock, PredictionSender sender) {
    this.config = config;
    this.clock = clock;
    this.sender = sender;
  }

  /**
   * Opens a log on {@code topic}, keeping uncertain images in {@code store}; with {@code
   * config.sample()} and {@code config.uncertainMargin()} 0 it publishes nothing and opens no
   * producer.
   */
  public static PredictionLog open(
      PredictionConfig config,
      KafkaConfig kafka,
      RegistryConfig registry,
      String topic,
      ObjectStore store,
      Clock clock,
      MeterRegistry meters) {
    return open(config, false, kafka, registry, topic, store, clock, meters);
  }

  /**
   * Opens serve's log: as {@link #open(PredictionConfig, KafkaConfig, RegistryConfig, String,
   * ObjectStore, Clock, MeterRegistry)} does, with a producer for the shadow predictions too while
   * {@code serve.challenger.mode} is on.
   */
  static PredictionLog open(
      ServeConfig serve,
      KafkaConfig kafka,
      RegistryConfig registry,
      String topic,
      ObjectStore store,
      Clock clock,
      MeterRegistry meters) {
    return open(
        serve.predictions(),
        serve.challenger().enabled(),
        kafka,
        registry,
        topic,
        store,
        clock,
        meters);
  }

  private static PredictionLog open(
      PredictionConfig config,
      boolean shadows,
      KafkaConfig kafka,
      RegistryConfig registry,
      String topic,
      ObjectStore store,
      Clock clock,
      MeterRegistry meters) {
    if (!config.enabled() && !shadows) {
      return new PredictionLog(
          config, clock, new PredictionSender(topic, config.queue(), null, null, store, meters));
    }
    SchemaRegistryClient client = new SchemaRegistryClient(registry);
    try {
      Map<String, Object> props = new HashMap<>(kafka.idempotentProducerProps());
      props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "streamtune-predictions");
      return new PredictionLog(
          config,
          clock,
          new PredictionSender(
              topic,
              config.queue(),
              new KafkaProducer<>(
                  props,
                  new StringSerializer(),
                  ConfluentAvroSerde.of(dev.streamtune.events.Prediction.class, client, registry)
                      .serializer()),
              client,
              store,
              meters));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Publishes {@code p}, the classification of {@code image}, if it is uncertain or the sample
   * draws it: queued, never waited on.
   *
   * @param attributes the caller's context, such as the app that asked
   * @return whether it was queued: false when not drawn, when the log is off or closing, or when
   *     the queue was full (counted as dropped)
   */
  public boolean record(Prediction p, byte[] image, Map<String, String> attributes) {
    return record(p, image, attributes, ServedAs.CHAMPION);
  }

  /**
   * Publishes {@code p} as {@link #record(Prediction, byte[], Map)} does, saying which side of a
   * challenger trial answered it; a challenger's answer is published whatever the sample draws.
   */
  public boolean record(
      Prediction p, byte[] image, Map<String, String> attributes, ServedAs servedAs) {
    boolean uncertain = config.uncertain(p.margin(), p.entropy());
    boolean sampled = drawn(config.sample());
    if (!sender.open() || !publishes(uncertain, sampled, servedAs)) {
      return false;
    }
    dev.streamtune.events.Prediction event =
        event(p, UUID.randomUUID().toString(), Sha256.hex(image), clock.millis(), attributes);
    event.setSampled(sampled);
    event.setServedAs(servedAs);
    return sender.offer(event, uncertain ? image : null);
  }

  /**
   * Publishes a challenger's shadow classification of an image whose answer was the champion's:
   * always (a trial needs every one), never sampled, its image never kept.
   *
   * @param shadow the challenger's classification
   * @param answered the champion's, which the caller got
   * @return whether it was queued
   */
  public boolean shadow(
      Prediction shadow, Prediction answered, byte[] image, Map<String, String> attributes) {
    if (!sender.open()) {
      return false;
    }
    dev.streamtune.events.Prediction event =
        event(shadow, UUID.randomUUID().toString(), Sha256.hex(image), clock.millis(), attributes);
    event.setSampled(false);
    event.setServedAs(ServedAs.SHADOW);
    Prediction.Scored top = answered.labels().get(0);
    event.setComparedWith(
        new ChampionAnswer(answered.version(), top.label(), (float) top.probability()));
    return sender.offer(event, null);
  }

  /**
   * Whether a classification is published: an uncertain one, one the sample drew, and every answer
   * a challenger gave (its trial needs them all, whatever the sample).
   */
  static boolean publishes(boolean uncertain, boolean sampled, ServedAs servedAs) {
    return uncertain || sampled || servedAs == ServedAs.CHALLENGER;
  }

  /** Whether a classification is published at this sample share. */
  static boolean drawn(double sample) {
    return sample >= 1 || (sample > 0 && ThreadLocalRandom.current().nextDouble() < sample);
  }

  /** The event of a classification. */
  static dev.streamtune.events.Prediction event(
      Prediction p, String id, String sha256, long atMillis, Map<String, String> attributes) {
    return dev.streamtune.events.Prediction.newBuilder()
        .setPredictionId(id)
        .setModelId(p.modelId())
        .setVersion(p.version())
        .setPredictedAt(java.time.Instant.ofEpochMilli(atMillis))
        .setTop(
            p.labels().stream()
                .map(s -> new ScoredLabel(s.label(), (float) s.probability()))
                .toList())
        .setMargin((float) p.margin())
        .setEntropy((float) p.entropy())
        .setImageSha256(sha256)
        .setProjection(p.projection())
        .setAttributes(Map.copyOf(attributes))
        .build();
  }

  /** Sends what is queued (waiting up to 5 s), then closes the producer. */
  @Override
  public void close() {
    sender.close();
  }
}
