/**
 * One worker process's roles, wired in one place: {@link dev.streamtune.worker.Worker} starts
 * ingest, train and serve as its {@link dev.streamtune.worker.WorkerConfig} says, on one meter
 * registry, gives each role's health check, and stops them in reverse order. {@code streamtune
 * worker} and {@code streamtune serve} run it against the configured servers, and the demo against
 * the embedded stack. Floor 3: it imports the roles and the foundations.
 */
package dev.streamtune.worker;
