package dev.streamtune.testing;

import java.net.URI;

/** One running set of Kafka, schema registry and S3, shared by every test class of a run. */
interface Servers extends AutoCloseable {

  /** Kafka {@code host:port}. */
  String bootstrapServers();

  /** Schema registry base URL. */
  URI registryUrl();

  /** S3 endpoint URL. */
  URI s3Endpoint();

  /** S3 access key. */
  String accessKey();

  /** S3 secret key. */
  String secretKey();

  /** {@code devstack} or {@code containers}, for messages. */
  String kind();

  @Override
  void close();
}
