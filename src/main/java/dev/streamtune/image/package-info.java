/**
 * Image decoding and checks, without TensorFlow: {@link dev.streamtune.image.ImageDecoder} probes
 * headers and decodes PNG, JPEG, GIF and BMP to RGB (subsampled for large images, within a
 * process-wide {@link dev.streamtune.image.DecodeBudget}), and refuses what it cannot decode with
 * an {@link dev.streamtune.image.ImageDecodeException} that says why. Ingest validates with it;
 * {@code ml} decodes with it before the backbone. Floor 1: it imports only {@code events}.
 */
package dev.streamtune.image;
