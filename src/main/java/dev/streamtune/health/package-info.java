/**
 * A worker's management side, whatever roles it runs: {@link dev.streamtune.health.HealthServer}
 * ({@code /healthz}, {@code /readyz}, {@code /metrics}) with its {@link
 * dev.streamtune.health.HealthConfig}, and {@link dev.streamtune.health.Meters}, which makes the
 * process's one meter registry, the one every role is given and {@code /metrics} shows. Floor 1: it
 * imports only {@code config} and {@code http}.
 */
package dev.streamtune.health;
