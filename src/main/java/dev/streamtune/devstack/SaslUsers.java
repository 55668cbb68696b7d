package dev.streamtune.devstack;

import java.util.Map;
import java.util.TreeMap;

/**
 * The users an {@link EmbeddedKafka} SASL_PLAINTEXT listener accepts, each with PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512.
 *
 * @param users user name to password; names of 1-64 of {@code A-Z a-z 0-9 . _ -}
 */
public record SaslUsers(Map<String, String> users) {
  private static final String PLAIN_MODULE =
      "org.apache.kafka.common.security.plain.PlainLoginModule";
  private static final String SCRAM_MODULE =
      "org.apache.kafka.common.security.scram.ScramLoginModule";

  /** Checks and copies the users. */
  public SaslUsers {
    users = Map.copyOf(users);
    if (users.isEmpty()) {
      throw new IllegalArgumentException("SASL needs at least one user");
    }
    for (var u : users.entrySet()) {
      if (!u.getKey().matches("[A-Za-z0-9._-]{1,64}")
          || u.getKey().equals(EmbeddedKafka.BROKER_USER)) {
        throw new IllegalArgumentException("illegal SASL user name " + u.getKey());
      }
      if (u.getValue().isEmpty()) {
        throw new IllegalArgumentException("SASL user " + u.getKey() + " has an empty password");
      }
    }
  }

  /**
   * The listener's JAAS properties: PLAIN with these users and the broker's own user (for
   * inter-broker traffic), SCRAM reading the credentials the broker stores.
   */
  Map<String, String> listenerJaas(String brokerUser, String brokerPassword) {
    StringBuilder plain =
        new StringBuilder(PLAIN_MODULE)
            .append(" required username=")
            .append(quoted(brokerUser))
            .append(" password=")
            .append(quoted(brokerPassword))
            .append(" user_")
            .append(brokerUser)
            .append('=')
            .append(quoted(brokerPassword));
    new TreeMap<>(users)
        .forEach((u, pw) -> plain.append(" user_").append(u).append('=').append(quoted(pw)));
    String prefix = "listener.name.sasl_plaintext.";
    return Map.of(
        prefix + "plain.sasl.jaas.config",
        plain.append(';').toString(),
        prefix + "scram-sha-256.sasl.jaas.config",
        SCRAM_MODULE + " required;",
        prefix + "scram-sha-512.sasl.jaas.config",
        SCRAM_MODULE + " required;");
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public String toString() {
    return "SaslUsers[" + new TreeMap<>(users).keySet() + ", passwords=(hidden)]";
  }
}
