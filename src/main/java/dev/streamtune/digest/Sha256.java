package dev.streamtune.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the hash that names examples ({@code examples/…/{sha256}.{ext}}), checks artifacts and
 * identifies the base model. Every JVM has it, so its absence is a bug, not an error to handle.
 */
public final class Sha256 {
  private Sha256() {}

  /** A new digest, to feed in parts. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
  }

  /** The hash of the bytes. */
  public static byte[] of(byte[] data) {
    return digest().digest(data);
  }

  /** The hash of a string's UTF-8 bytes. */
  public static byte[] of(String s) {
    return of(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex of the hash of the bytes. */
  public static String hex(byte[] data) {
    return HexFormat.of().formatHex(of(data));
  }
}
