package dev.streamtune.image;

/** An image's bytes cannot be used; {@link #reason()} says why. */
public final class ImageDecodeException extends RuntimeException
    implements dev.streamtune.events.BadData {

  /** Why an image was refused. */
  public enum Reason {
    /** Zero bytes. */
    EMPTY,
    /** Not JPEG, PNG, GIF or BMP, by its magic bytes. */
    UNSUPPORTED_FORMAT,
    /** More pixels than the configured limit, found from the header before decoding. */
    TOO_LARGE,
    /** A GIF of more frames than {@link ImageDecoder#MAX_GIF_FRAMES}, counted from its blocks. */
    TOO_MANY_FRAMES,
    /** The header or pixel data is truncated or damaged. */
    CORRUPT
  }

  private final Reason reason;

  /**
   * @param reason why
   * @param message details
   * @param cause the decoder's error, or null
   */
  public ImageDecodeException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  /** Why the image was refused. */
  public Reason kind() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.name();
  }
}
