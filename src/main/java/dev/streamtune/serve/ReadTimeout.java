package dev.streamtune.serve;

import dev.streamtune.http.Http;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gives each request {@code serve.read.timeout} to arrive, headers and body, without letting a slow
 * client hold an HTTP thread longer.
 *
 * <p>The JDK server reads a request's line and headers on the worker thread that then runs the
 * handler, with blocking reads. This wraps the server's executor: each exchange gets a deadline
 * when its thread starts reading. A client still sending headers at the deadline is cut off: the
 * thread is interrupted, which closes the connection (the channel is interruptible) and frees it. A
 * handler entered after the deadline answers 408. A body is read in chunks; one still arriving at
 * the deadline is answered 408 and its connection closed. A body that stalls altogether is cut off
 * {@value #GRACE_MILLIS} ms after the deadline, the grace that lets a read in progress end in a
 * 408. Once the request is read, nothing interrupts the exchange, however long the answer takes.
 */
final class ReadTimeout implements AutoCloseable {
  static final long GRACE_MILLIS = 250;
  private final long timeoutNanos;
  private final Executor workers;
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "serve-read-timeout");
            t.setDaemon(true);
            return t;
          });
  private final ThreadLocal<Exchange> current = new ThreadLocal<>();

  private enum Phase {
    HEADERS,
    BODY,
    READ,
    FINISHED
  }

  /** One exchange on its thread. */
  private final class Exchange {
    final Thread thread = Thread.currentThread();
    final long deadline = System.nanoTime() + timeoutNanos;
    Phase phase = Phase.HEADERS;
    ScheduledFuture<?> timer;

    synchronized void expire() {
      if (phase == Phase.HEADERS) {
        thread.interrupt();
      } else if (phase == Phase.BODY) {
        timer = watchdog.schedule(this::cutOff, GRACE_MILLIS, TimeUnit.MILLISECONDS);
      }
    }

    synchronized void cutOff() {
      if (phase == Phase.BODY) {
        thread.interrupt();
      }
    }

    synchronized void enter(Phase next) {
      phase = next;
    }

    synchronized void finish() {
      phase = Phase.FINISHED;
      if (timer != null) {
        timer.cancel(false);
      }
    }
  }

  ReadTimeout(Duration timeout, Executor workers) {
    this.timeoutNanos = timeout.toNanos();
    this.workers = workers;
  }

  /** The executor to give the server: it runs each exchange under its deadline. */
  Executor executor() {
    return task ->
        workers.execute(
            () -> {
              Exchange x = new Exchange();
              current.set(x);
              synchronized (x) {
                x.timer = watchdog.schedule(x::expire, timeoutNanos, TimeUnit.NANOSECONDS);
              }
              try {
                task.run();
              } finally {
                x.finish();
                current.remove();
                Thread.interrupted();
              }
            });
  }

  /**
   * The handler has the headers: answers 408 when they came too late, else stops watching the
   * exchange unless the handler will read a body.
   *
   * @throws Http.HttpError 408
   */
  void headersRead(boolean bodyFollows) {
    Exchange x = current.get();
    if (x == null) {
      return;
    }
    if (System.nanoTime() - x.deadline > 0) {
      x.enter(Phase.READ);
      throw timedOut();
    }
    x.enter(bodyFollows ? Phase.BODY : Phase.READ);
  }

  /**
   * Reads a body of up to {@code max + 1} bytes (one more than allowed tells that it is too long),
   * by the exchange's deadline.
   *
   * @throws Http.HttpError 408 when the deadline passes first
   */
  byte[] read(InputStream in, int max) throws IOException {
    Exchange x = current.get();
    byte[] buf = new byte[Math.min(max + 1, 64 * 1024)];
    int n = 0;
    while (n < max + 1) {
      if (n == buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.min(max + 1, buf.length * 2));
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        break;
      }
      n += r;
      if (x != null && System.nanoTime() - x.deadline > 0) {
        x.enter(Phase.READ);
        throw timedOut();
      }
    }
    if (x != null && n <= max) {
      x.enter(Phase.READ);
    }
    return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
  }

  /**
   * After a 408 has been sent and flushed: interrupts this thread, so that the server, draining
   * what is left of the request, closes the connection instead of waiting for the slow client.
   */
  void closeAfterAnswer() {
    Thread.currentThread().interrupt();
  }

  private Http.HttpError timedOut() {
    return new Http.HttpError(
        408,
        "the request took longer than serve.read.timeout ("
            + Duration.ofNanos(timeoutNanos).toMillis()
            + " ms) to arrive");
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
