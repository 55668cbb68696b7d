package dev.streamtune.testing;

import dev.streamtune.devstack.DevStack;
import dev.streamtune.devstack.DevStackConfig;
import dev.streamtune.store.LocalFiles;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;

/** The servers in this JVM: {@link DevStack} on free ports, its data under {@code target/}. */
final class DevStackServers implements Servers {
  private final Path dir;
  private final DevStack stack;

  DevStackServers() {
    dir = Path.of("target", "it-stack", UUID.randomUUID().toString()).toAbsolutePath();
    stack = DevStack.start(DevStackConfig.ephemeral(dir, true));
  }

  @Override
  public String bootstrapServers() {
    return stack.endpoints().bootstrapServers();
  }

  @Override
  public URI registryUrl() {
    return stack.endpoints().registryUrl();
  }

  @Override
  public URI s3Endpoint() {
    return stack.endpoints().s3Endpoint();
  }

  @Override
  public String accessKey() {
    return stack.endpoints().accessKey();
  }

  @Override
  public String secretKey() {
    return stack.endpoints().secretKey();
  }

  @Override
  public String kind() {
    return "devstack";
  }

  @Override
  public void close() {
    stack.close();
    LocalFiles.deleteTree(dir);
  }
}
