package dev.streamtune.events;

import dev.streamtune.testing.WithStack;

/**
 * The registry contract against Confluent Schema Registry itself, in a container, whatever the
 * run's default stack; skipped, saying why, without a Docker engine.
 */
@WithStack(WithStack.Kind.CONTAINERS)
class ContainerRegistryContractIT extends RegistryContractIT {}
