package dev.streamtune.train;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** sha256 helpers. */
final class Digests {
  private Digests() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(byte[] data) {
    return dev.streamtune.store.ArtifactFiles.sha256(data);
  }
}
