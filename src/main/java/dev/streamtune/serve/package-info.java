/**
 * Downstream: subscribe to new models and serve them.
 *
 * <ul>
 *   <li>{@link dev.streamtune.serve.ModelSubscriber} reads {@code models.versions} from the
 *       beginning, keeps the highest PUBLISHED version of each model, downloads and verifies its
 *       SavedModel and swaps it into that model's {@link dev.streamtune.serve.Classifier};
 *   <li>{@link dev.streamtune.serve.Classifier} answers {@code classify(bytes)} with the top labels
 *       and the version that answered; calls in flight finish on the model they started on;
 *   <li>{@link dev.streamtune.serve.ServeServer} is {@code streamtune serve}'s HTTP API, health
 *       checks and Prometheus metrics ({@link dev.streamtune.serve.ServeConfig}), its meters in the
 *       registry the process passes to {@link dev.streamtune.serve.ServeApp#start}.
 * </ul>
 */
package dev.streamtune.serve;
