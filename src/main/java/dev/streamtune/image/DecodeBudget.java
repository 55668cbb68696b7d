package dev.streamtune.image;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The pixels that may be in flight in image decoders at once, shared by every decoding thread: a
 * decode takes its cost, in pixels, before it reads any pixel and gives it back when its raster is
 * converted, waiting while the budget is spent. So N concurrent decodes of the worst images the
 * limits admit cannot exceed the budget, however many threads decode (a single image costing more
 * than the whole budget waits for all of it, and then decodes alone).
 *
 * <p>A decode's cost is the pixels it decodes (after subsampling) plus two rows of the source
 * image's width (the rows a PNG reader inflates); a pixel is counted as {@value #BYTES_PER_PIXEL}
 * bytes of heap (the reader's raster at up to 8 bytes a pixel for 16-bit RGBA, the RGB copy, and
 * slack). Thread-safe.
 */
public final class DecodeBudget {
  /** Heap bytes counted per pixel in flight. */
  public static final int BYTES_PER_PIXEL = 16;

  private static final Map<Long, DecodeBudget> SHARED = new ConcurrentHashMap<>();
  private final int pixels;
  private final Semaphore permits;

  private DecodeBudget(long pixels) {
    if (pixels < 1) {
      throw new IllegalArgumentException("a decode budget must be positive");
    }
    this.pixels = (int) Math.min(Integer.MAX_VALUE, pixels);
    this.permits = new Semaphore(this.pixels, true);
  }

  /** A budget of its own, not shared with other decoders. */
  public static DecodeBudget of(long pixels) {
    return new DecodeBudget(pixels);
  }

  /** The process's budget of this size: every decoder opened with the same setting shares it. */
  public static DecodeBudget shared(long pixels) {
    return SHARED.computeIfAbsent(pixels, DecodeBudget::new);
  }

  /** The default: a quarter of the maximum heap, at {@value #BYTES_PER_PIXEL} bytes a pixel. */
  public static long defaultPixels() {
    return Math.max(1, Runtime.getRuntime().maxMemory() / 4 / BYTES_PER_PIXEL);
  }

  /** The budget, in pixels. */
  public long pixels() {
    return pixels;
  }

  /** The pixels not taken now. */
  public long available() {
    return permits.availablePermits();
  }

  /** Pixels taken; closing gives them back. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes {@code cost} pixels (all of the budget at most), waiting until they are free.
   *
   * @throws Interrupted when interrupted while waiting
   */
  Lease take(long cost) {
    int n = (int) Math.max(1, Math.min(pixels, cost));
    try {
      permits.acquire(n);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Interrupted(e);
    }
    return () -> permits.release(n);
  }

  /**
   * A wait for the budget was interrupted: the decode did not run, and the image is not to blame.
   */
  static final class Interrupted extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Interrupted(InterruptedException cause) {
      super("Interrupted while waiting for the image decode budget", cause);
    }
  }
}
