package dev.streamtune.train;

import dev.streamtune.digest.Sha256;
import java.security.MessageDigest;

/** sha256 helpers. */
final class Digests {
  private Digests() {}

  static MessageDigest sha256() {
    return Sha256.digest();
  }

  static String sha256(byte[] data) {
    return Sha256.hex(data);
  }
}
