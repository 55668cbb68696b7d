package dev.streamtune.events;

import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;

/**
 * The registry contract against the stack's registry: the embedded one on DevStack, Confluent
 * Schema Registry where the stack runs in containers.
 */
@WithStack
class RegistryContractIT extends RegistryContract {
  private URI url;

  @BeforeEach
  void stack(Stack stack) {
    url = stack.registryUrl();
  }

  @Override
  protected URI registryUrl() {
    return url;
  }
}
