package dev.streamtune.events;

import dev.streamtune.testing.TestStack;
import dev.streamtune.testing.WithStack;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;

/** The registry contract against the embedded registry on a real Kafka broker. */
@WithStack
class EmbeddedRegistryContractIT extends RegistryContract {
  private URI url;

  @BeforeEach
  void stack(TestStack stack) {
    url = URI.create(stack.registryUrl());
  }

  @Override
  protected URI registryUrl() {
    return url;
  }
}
