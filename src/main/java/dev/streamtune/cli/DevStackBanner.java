package dev.streamtune.cli;

import dev.streamtune.devstack.DevStack.Endpoints;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.store.S3Config;

/** What {@code streamtune dev-stack} prints: the endpoints and ready-to-paste client configs. */
final class DevStackBanner {
  /** The banner's last line; a script may wait for it. */
  static final String LAST_LINE = "Dev stack ready. Ctrl-C (SIGINT or SIGTERM) stops it.";

  private DevStackBanner() {}

  static String render(Endpoints e) {
    String b = e.bootstrapServers();
    String r = e.registryUrl().toString();
    String s3 = e.s3Endpoint().toString();
    return String.join(
        "\n",
        "Streamtune dev stack is up. Data: "
            + e.dataDir()
            + " (kept between runs; --fresh wipes it)",
        "",
        "  Kafka bootstrap servers   " + b,
        "  Schema registry URL       " + r,
        "  S3 endpoint               " + s3,
        "  S3 bucket                 " + e.bucket(),
        "  S3 access key             " + e.accessKey(),
        "  S3 secret key             " + e.secretKey(),
        "",
        "# Streamtune commands in another shell",
        "export " + KafkaConfig.BOOTSTRAP.envVar() + "=" + b,
        "export " + RegistryConfig.URL.envVar() + "=" + r,
        "export " + S3Config.ENDPOINT.envVar() + "=" + s3,
        "export " + S3Config.BUCKET.envVar() + "=" + e.bucket(),
        "export " + S3Config.ACCESS_KEY.envVar() + "=" + e.accessKey(),
        "export " + S3Config.SECRET_KEY.envVar() + "=" + e.secretKey(),
        "",
        "# Java: producer and consumer properties",
        "bootstrap.servers=" + b,
        "schema.registry.url=" + r,
        "",
        "# Node: kafkajs and @kafkajs/confluent-schema-registry",
        "const kafka = new Kafka({ clientId: 'my-app', brokers: ['" + b + "'] });",
        "const registry = new SchemaRegistry({ host: '" + r + "' });",
        "",
        "# Python: confluent-kafka",
        "producer = Producer({'bootstrap.servers': '" + b + "'})",
        "registry = SchemaRegistryClient({'url': '" + r + "'})",
        "",
        "# S3: aws-cli, or any SDK with path-style addressing",
        "AWS_ACCESS_KEY_ID="
            + e.accessKey()
            + " AWS_SECRET_ACCESS_KEY="
            + e.secretKey()
            + " aws --endpoint-url "
            + s3
            + " s3 ls s3://"
            + e.bucket()
            + "/",
        "",
        "# kcat",
        "kcat -b " + b + " -L",
        "",
        LAST_LINE,
        "");
  }
}
