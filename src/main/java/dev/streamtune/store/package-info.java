/**
 * Object storage: the S3 connection ({@link dev.streamtune.store.S3Config}) and, as the ingest and
 * trainer issues land, the layout of examples, features, models and {@code LATEST} behind small
 * interfaces. All object storage goes through the MinIO Java SDK. {@link
 * dev.streamtune.store.CacheErasure} removes images from a model's feature and activation packs,
 * for the right to erasure.
 */
package dev.streamtune.store;
