package dev.streamtune.serve;

import dev.streamtune.events.Prediction;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.image.ImageDecoder;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ObjectStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PredictionLog}'s way to the broker: a bounded queue of events, one sender thread that
 * keeps each uncertain image under {@code feedback/} first and hands the event to the producer, and
 * the meters {@code streamtune.serve.predictions{outcome}}. Images wait in at most 64 MiB; one over
 * that is not kept (counted {@code unkept}), and an event that finds the queue full is dropped
 * (counted {@code dropped}). With no producer it sends nothing. Thread-safe.
 */
final class PredictionSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PredictionLog.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  private static final long QUEUED_IMAGE_BYTES = 64L << 20;
  private static final ImageDecoder PROBE = new ImageDecoder(Long.MAX_VALUE);

  private final String topic;
  private final KafkaProducer<String, Prediction> producer;
  private final SchemaRegistryClient registry;
  private final ObjectStore store;
  private final BlockingQueue<Pending> queue;
  private final AtomicLong queuedImageBytes = new AtomicLong();
  private final Thread thread;
  private final Counter published;
  private final Counter failed;
  private final Counter dropped;
  private final Counter unkept;
  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile boolean closing;

  /**
   * Starts sending, unless {@code producer} is null.
   *
   * @param registry the producer's registry client, closed with it
   */
  PredictionSender(
      String topic,
      int queue,
      KafkaProducer<String, Prediction> producer,
      SchemaRegistryClient registry,
      ObjectStore store,
      MeterRegistry meters) {
    this.topic = topic;
    this.producer = producer;
    this.registry = registry;
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(queue);
    this.published = counter(meters, "published");
    this.failed = counter(meters, "failed");
    this.dropped = counter(meters, "dropped");
    this.unkept = counter(meters, "unkept");
    this.thread = producer == null ? null : new Thread(this::send, "prediction-log");
    if (thread != null) {
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Whether it takes events: it has a producer and is not closing. */
  boolean open() {
    return producer != null && !closing;
  }

  /**
   * Queues an event, never waiting.
   *
   * @param image the image to keep under {@code feedback/} before sending, or null
   * @return whether it was queued; false when closed, or when the queue was full (counted)
   */
  boolean offer(Prediction event, byte[] image) {
    if (!open()) {
      return false;
    }
    byte[] kept = image;
    if (image != null && queuedImageBytes.addAndGet(image.length) > QUEUED_IMAGE_BYTES) {
      queuedImageBytes.addAndGet(-image.length);
      unkept.increment();
      kept = null;
    }
    if (queue.offer(new Pending(event, kept))) {
      return true;
    }
    if (kept != null) {
      queuedImageBytes.addAndGet(-kept.length);
    }
    dropped.increment();
    return false;
  }

  /** An event waiting for the broker, with the image to keep first, or null. */
  private record Pending(Prediction event, byte[] image) {}

  /** Keeps an uncertain prediction's image under {@code feedback/} and names it in the event. */
  private void keep(Pending pending) {
    Prediction e = pending.event();
    try {
      ImageDecoder.Info info = PROBE.probe(pending.image());
      String key = BucketLayout.feedback(e.getModelId(), e.getImageSha256(), info.extension());
      store.put(key, pending.image(), "image/" + info.format(), Map.of());
      e.setImageUri(ArtifactFiles.uri(store, key));
    } catch (RuntimeException error) {
      unkept.increment();
      LOG.warn("The image of an uncertain prediction could not be kept: {}", error.toString());
    } finally {
      queuedImageBytes.addAndGet(-pending.image().length);
    }
  }

  private void send() {
    while (!closing || !queue.isEmpty()) {
      Pending pending;
      try {
        pending = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
      if (pending == null) {
        continue;
      }
      if (pending.image() != null) {
        keep(pending);
      }
      Prediction e = pending.event();
      try {
        producer.send(
            new ProducerRecord<>(topic, e.getModelId(), e),
            (metadata, error) -> {
              if (error == null) {
                published.increment();
                if (failing.compareAndSet(true, false)) {
                  LOG.info("Predictions reach {} again", topic);
                }
              } else {
                failed.increment();
                if (failing.compareAndSet(false, true)) {
                  LOG.warn(
                      "A prediction could not be published to {} (more are counted in "
                          + "streamtune.serve.predictions{{outcome=failed}}): {}",
                      topic,
                      error.toString());
                }
              }
            });
      } catch (RuntimeException error) {
        failed.increment();
        if (failing.compareAndSet(false, true)) {
          LOG.warn("A prediction could not be published to {}: {}", topic, error.toString());
        }
      }
    }
  }

  /** Sends what is queued (waiting up to 5 s), then closes the producer. */
  @Override
  public void close() {
    closing = true;
    if (thread == null) {
      return;
    }
    try {
      thread.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
    producer.close(CLOSE_WAIT);
    registry.close();
  }

  private static Counter counter(MeterRegistry meters, String outcome) {
    return Counter.builder("streamtune.serve.predictions")
        .tag("outcome", outcome)
        .description("sampled classifications, by what became of them")
        .register(meters);
  }
}
