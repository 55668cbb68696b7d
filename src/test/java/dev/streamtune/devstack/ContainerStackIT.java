package dev.streamtune.devstack;

import dev.streamtune.testing.WithStack;

/**
 * The stack contract on Apache Kafka, Confluent Schema Registry and MinIO containers; skipped, with
 * the reason, where there is no Docker engine.
 */
@WithStack(WithStack.Kind.CONTAINERS)
class ContainerStackIT extends StackContract {}
