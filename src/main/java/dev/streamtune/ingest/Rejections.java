package dev.streamtune.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Examples whose write object storage refused with a 4xx, remembered across the transaction that
 * the refusal aborted. An example is written asynchronously ({@link WriteBarrier}), so its refusal
 * is found only at commit, after the examples store was updated and the count forwarded: the write
 * then fails with {@link Refused}, a retriable error, so the whole transaction aborts and its
 * records are replayed on a fresh stream thread, as after an outage; on the replay {@link
 * StoreProcessor} finds the record here and dead-letters it (stage {@code store}) instead of
 * writing it, so it is neither stored nor counted, and the rest of the transaction commits as if it
 * had never been there.
 *
 * <p>Shared by the stream threads of one instance, keyed by the record's image key and event id,
 * bounded ({@link #MAX}, oldest forgotten first). Losing an entry (a restart, a task moving to
 * another instance) costs one more refused write and one more abort, never a lost record.
 */
final class Rejections {
  static final int MAX = 10_000;
  private final Map<String, String> byRecord =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX;
        }
      };

  /** Remembers a refused write; returns the error that aborts its transaction. */
  synchronized Refused remember(String id, String why) {
    byRecord.put(id, why);
    return new Refused(id, why);
  }

  /** The refusal remembered for {@code id}, forgotten as it is returned; null when none. */
  synchronized String take(String id) {
    return byRecord.remove(id);
  }

  /** Aborts the transaction of a refused write, so that its replay dead-letters the record. */
  static final class Refused extends RetriableException {
    Refused(String id, String why) {
      super(
          "Object storage refused the example of "
              + id
              + " ("
              + why
              + "); the transaction is replayed and the "
              + "record dead-lettered");
    }
  }
}
