package dev.streamtune.ingest;

import dev.streamtune.digest.Sha256;
import dev.streamtune.events.Failures;
import dev.streamtune.events.ImageRef;
import dev.streamtune.events.InlineImage;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.Names;
import dev.streamtune.image.ImageDecodeException;
import dev.streamtune.image.ImageDecoder;
import dev.streamtune.ingest.ValidationException.Reason;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ObjectStore;
import dev.streamtune.store.ObjectStoreException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Ingest's rules for one event: names, size, pixel count (from the header), a format we decode
 * confirmed by the magic bytes, and for an {@code ImageRef} an allowed bucket and matching content.
 * Storage outages propagate as they are (they are retried, not dead-lettered).
 */
final class Validator {
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "image/png",
          "png",
          "image/jpeg",
          "jpeg",
          "image/jpg",
          "jpeg",
          "image/pjpeg",
          "jpeg",
          "image/gif",
          "gif",
          "image/bmp",
          "bmp",
          "image/x-ms-bmp",
          "bmp");

  /** S3's longest object key, in UTF-8 bytes. */
  static final int MAX_KEY_BYTES = 1024;

  /** What validation learned about a good event. */
  record Valid(String sha256, ImageDecoder.Info info, byte[] bytes) {}

  private final IngestConfig config;
  private final ObjectStore store;
  private final ImageDecoder decoder;
  private final StorageRetry retry;
  private final WriteBarrier barrier;

  /**
   * @param barrier whose per-commit deadline ({@link WriteBarrier#deadline}) bounds the reads too:
   *     an outage holds a commit for one retry budget, however many ImageRefs it reads and writes
   */
  Validator(IngestConfig config, ObjectStore store, StorageRetry retry, WriteBarrier barrier) {
    this.config = config;
    this.store = store;
    this.decoder = new ImageDecoder(config.maxPixels());
    this.retry = retry;
    this.barrier = barrier;
  }

  /**
   * Checks an event and reads its image.
   *
   * @throws ValidationException with the broken rule
   */
  Valid validate(LabelledImage e) {
    if (!Names.valid(e.getModelId())) {
      throw new ValidationException(
          Reason.BAD_MODEL_ID,
          "modelId "
              + quote(e.getModelId())
              + " must be 1-64 of A-Z a-z 0-9 . _ - and not start with a dot");
    }
    if (!Names.valid(e.getLabel())) {
      throw new ValidationException(
          Reason.BAD_LABEL,
          "label "
              + quote(e.getLabel())
              + " must be 1-64 of A-Z a-z 0-9 . _ - and not start with a dot");
    }
    checkAttributes(e);
    byte[] bytes;
    String contentType;
    String claimedSha = null;
    if (e.getImage() instanceof InlineImage inline) {
      bytes = toArray(inline.getData());
      contentType = inline.getContentType();
    } else {
      ImageRef ref = (ImageRef) e.getImage();
      contentType = ref.getContentType();
      claimedSha = ref.getSha256().toLowerCase(Locale.ROOT);
      bytes = read(ref);
    }
    if (bytes.length > config.maxImageBytes()) {
      throw new ValidationException(
          Reason.TOO_BIG, bytes.length + " bytes, over the limit of " + config.maxImageBytes());
    }
    ImageDecoder.Info info = probe(bytes);
    String declared =
        CONTENT_TYPES.get(contentType == null ? "" : contentType.trim().toLowerCase(Locale.ROOT));
    if (declared == null) {
      throw new ValidationException(
          Reason.UNSUPPORTED_CONTENT_TYPE,
          "contentType " + quote(contentType) + " is not one of " + CONTENT_TYPES.keySet());
    }
    if (!declared.equals(info.format())) {
      throw new ValidationException(
          Reason.CONTENT_TYPE_MISMATCH,
          "contentType " + contentType + " but the bytes are " + info.format());
    }
    String sha = sha256(bytes);
    if (claimedSha != null && !claimedSha.equals(sha)) {
      throw new ValidationException(
          Reason.REF_SHA_MISMATCH,
          "the object's sha256 is " + sha + ", the event says " + claimedSha);
    }
    return new Valid(sha, info, bytes);
  }

  private void checkAttributes(LabelledImage e) {
    if (e.getAttributes().size() > config.maxAttributes()) {
      throw new ValidationException(
          Reason.TOO_MANY_ATTRIBUTES,
          e.getAttributes().size()
              + " attributes, over the limit of "
              + config.maxAttributes()
              + " (ingest.max.attributes)");
    }
    int size = ExampleMetadata.size(ExampleMetadata.of(e));
    if (size > config.maxMetadataBytes()) {
      throw new ValidationException(
          Reason.ATTRIBUTES_TOO_LARGE,
          "the event id, capture time and attributes "
              + "make "
              + size
              + " bytes of object metadata, over the limit of "
              + config.maxMetadataBytes()
              + " (ingest.max.metadata.bytes; S3 refuses more than 2 KiB)");
    }
  }

  /**
   * The bytes an ImageRef points at, if it points into an allowed bucket, retrying an outage within
   * the commit's storage budget. A 4xx answer (403 AccessDenied, 404 NoSuchBucket, 400 ...) is bad
   * data, as {@link Failures#forRecord} decides.
   */
  /**
   * Whether a key is an image serve kept for labelling in ingest's own bucket: the answer to a
   * labelling request points there, whatever {@code ingest.ref.buckets} says.
   */
  private boolean keptForLabelling(String bucket, String key) {
    return bucket.equals(store.bucket()) && key.startsWith(BucketLayout.feedback());
  }

  byte[] read(ImageRef ref) {
    URI uri;
    try {
      uri = URI.create(ref.getUri());
    } catch (IllegalArgumentException ex) {
      throw new ValidationException(Reason.REF_NOT_ALLOWED, "not a URI: " + quote(ref.getUri()));
    }
    String bucket = uri.getHost();
    String key =
        uri.getPath() == null || uri.getPath().length() < 2 ? null : uri.getPath().substring(1);
    if (!"s3".equals(uri.getScheme())
        || bucket == null
        || key == null
        || key.contains("..")
        || !(config.refBuckets().contains(bucket) || keptForLabelling(bucket, key))) {
      throw new ValidationException(
          Reason.REF_NOT_ALLOWED,
          quote(ref.getUri())
              + " is not s3:// in one of the "
              + "allowed buckets "
              + config.refBuckets()
              + " nor an image serve kept for labelling in "
              + store.bucket()
              + "/"
              + BucketLayout.feedback());
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new ValidationException(
          Reason.REF_KEY_TOO_LONG,
          "the object key of "
              + quote(ref.getUri())
              + " is "
              + key.getBytes(StandardCharsets.UTF_8).length
              + " bytes; S3 allows "
              + MAX_KEY_BYTES);
    }
    int limit = (int) Math.min(Integer.MAX_VALUE - 1, config.maxImageBytes());
    byte[] bytes;
    try {
      bytes =
          retry
              .callBy(
                  barrier.deadline(retry.budget()),
                  "read " + ref.getUri(),
                  () -> store.inBucket(bucket).getAtMost(key, limit))
              .orElseThrow(
                  () ->
                      new ValidationException(Reason.REF_MISSING, "no object at " + ref.getUri()));
    } catch (ObjectStoreException ex) {
      if (Failures.forRecord(ex) != Failures.Disposition.DEAD_LETTER) {
        throw ex;
      }
      throw new ValidationException(
          "NoSuchBucket".equals(ex.code()) || "NoSuchKey".equals(ex.code())
              ? Reason.REF_MISSING
              : Reason.REF_REFUSED,
          "reading " + quote(ref.getUri()) + ": S3 answered " + ex.status() + " " + ex.code());
    }
    if (bytes.length > config.maxImageBytes()) {
      throw new ValidationException(
          Reason.TOO_BIG,
          "the object at "
              + ref.getUri()
              + " is over the limit of "
              + config.maxImageBytes()
              + " bytes (ingest.max.image.kib); it was not downloaded");
    }
    return bytes;
  }

  private ImageDecoder.Info probe(byte[] bytes) {
    try {
      return decoder.probe(bytes);
    } catch (ImageDecodeException ex) {
      Reason r =
          switch (ex.kind()) {
            case TOO_LARGE -> Reason.TOO_MANY_PIXELS;
            case TOO_MANY_FRAMES -> Reason.TOO_MANY_FRAMES;
            case UNSUPPORTED_FORMAT -> Reason.UNSUPPORTED_CONTENT_TYPE;
            case EMPTY, CORRUPT -> Reason.CORRUPT_IMAGE;
          };
      throw new ValidationException(r, ex.getMessage());
    }
  }

  static byte[] toArray(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  static String sha256(byte[] bytes) {
    return Sha256.hex(bytes);
  }

  private static String quote(String s) {
    return s == null ? "null" : "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
  }
}
