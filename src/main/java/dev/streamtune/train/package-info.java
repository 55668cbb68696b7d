/**
 * The trainer role: consumes training requests, trains each model's head incrementally on cached
 * backbone features (warm start, class-balanced rehearsal, early stopping), evaluates it against
 * the serving version on the same validation split, applies the guard-rails, writes the artifacts
 * under a run-unique prefix and publishes the {@code ModelVersion} exactly once, fenced per model
 * by a transactional producer.
 *
 * <p>Public surface: {@link dev.streamtune.train.TrainerApp}, {@link
 * dev.streamtune.train.TrainConfig}, {@link dev.streamtune.train.VersionLog}, {@link
 * dev.streamtune.train.Dataset}, {@link dev.streamtune.train.Evaluation} and {@link
 * dev.streamtune.train.Rollback} (an older PUBLISHED version re-announced as the current one,
 * published under the same fencing). It never imports {@code ingest}, {@code serve} or {@code
 * devstack}.
 */
package dev.streamtune.train;
