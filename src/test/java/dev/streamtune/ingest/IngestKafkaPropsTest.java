package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.streamtune.events.SecureKafka;
import dev.streamtune.events.TopicNames;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class IngestKafkaPropsTest {

  @Test
  void everyClientKafkaStreamsCreatesCarriesTheClusterSecurity() {
    Map<String, Object> props =
        IngestTopology.properties(
            IngestConfig.defaults(), SecureKafka.config(), TopicNames.defaults());
    SecureKafka.assertSecured(props);
    StreamsConfig streams = new StreamsConfig(props);
    SecureKafka.assertSecured(streams.getMainConsumerConfigs("ingest", "ingest-1", 0));
    SecureKafka.assertSecured(streams.getRestoreConsumerConfigs("ingest-1-restore"));
    SecureKafka.assertSecured(streams.getGlobalConsumerConfigs("ingest-1-global"));
    SecureKafka.assertSecured(streams.getProducerConfigs("ingest-1-producer"));
    SecureKafka.assertSecured(streams.getAdminConfigs("ingest-1-admin"));
    assertThat(streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat((Integer) props.get(StreamsConfig.producerPrefix("transaction.timeout.ms")))
        .as("the commit's storage budget plus one call hanging to its timeout fit the transaction")
        .isGreaterThan(
            (int)
                (IngestConfig.defaults()
                    .storageRetry()
                    .plus(dev.streamtune.store.S3Config.CALL_TIMEOUT)
                    .toMillis()));
  }

  @Test
  void theStreamsConfigurationDrawsNoWarning() {
    Logger log = (Logger) LoggerFactory.getLogger(StreamsConfig.class);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    log.addAppender(seen);
    try {
      StreamsConfig streams =
          new StreamsConfig(
              IngestTopology.properties(
                  IngestConfig.defaults(), SecureKafka.config(), TopicNames.defaults()));
      // each stream thread's assignor reads a StreamsConfig back from its main consumer's configs
      new StreamsConfig(streams.getMainConsumerConfigs("ingest", "ingest-1", 0));
    } finally {
      log.detachAppender(seen);
    }
    assertThat(seen.list)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage)
        .isEmpty();
  }
}
