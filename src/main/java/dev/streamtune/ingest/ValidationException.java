package dev.streamtune.ingest;

/** A decoded event breaks one of ingest's rules; it is dead-lettered with {@link #reason()}. */
public final class ValidationException extends RuntimeException
    implements dev.streamtune.events.BadData {

  /** The broken rule. */
  public enum Reason {
    /** modelId is not 1–64 of [A-Za-z0-9._-] starting with other than a dot. */
    BAD_MODEL_ID,
    /** label breaks the same rule. */
    BAD_LABEL,
    /** The bytes are not an image format we decode, whatever the field says. */
    UNSUPPORTED_CONTENT_TYPE,
    /** The contentType field names another format than the magic bytes show. */
    CONTENT_TYPE_MISMATCH,
    /** More bytes than the configured maximum. */
    TOO_BIG,
    /** More pixels than the configured maximum, from the header. */
    TOO_MANY_PIXELS,
    /** An animated GIF of more frames than the decoder accepts (only the first is used). */
    TOO_MANY_FRAMES,
    /** The image is empty, truncated or corrupt. */
    CORRUPT_IMAGE,
    /** An ImageRef outside the allowed buckets, or not an s3:// URI. */
    REF_NOT_ALLOWED,
    /** An ImageRef to an object that does not exist. */
    REF_MISSING,
    /**
     * An ImageRef whose content does not match its sha256: at validation, or when storing, if the
     * object was replaced after validation read it.
     */
    REF_SHA_MISMATCH,
    /** An ImageRef whose object key is over S3's 1,024 bytes. */
    REF_KEY_TOO_LONG,
    /** Object storage refused reading an ImageRef with a 4xx, such as 403 AccessDenied. */
    REF_REFUSED,
    /** More attributes than {@code ingest.max.attributes}. */
    TOO_MANY_ATTRIBUTES,
    /**
     * The object metadata the attributes (with event id and capture time) become is over {@code
     * ingest.max.metadata.bytes}, which stays under S3's 2 KiB of user metadata.
     */
    ATTRIBUTES_TOO_LARGE,
    /**
     * Object storage refused writing the example with a 4xx (found at commit; dead-lettered on
     * replay).
     */
    STORE_REFUSED
  }

  private final Reason reason;

  /**
   * @param reason the broken rule
   * @param message details
   */
  public ValidationException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  /** The broken rule. */
  public Reason kind() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.name();
  }
}
