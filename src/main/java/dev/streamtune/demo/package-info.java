/**
 * {@code streamtune demo}: the whole mission on the embedded stack, in one process, for a
 * newcomer's first minutes. {@link dev.streamtune.demo.Demo} starts the dev stack and the ingest,
 * train and serve roles, streams a dataset in increments ({@link dev.streamtune.demo.DemoData}:
 * generated {@link dev.streamtune.demo.Shapes} by default, Fashion-MNIST, or the user's own
 * folders), and prints each version as it is announced, with its accuracy on held-out images. Also
 * the console {@link dev.streamtune.demo.Progress} bars that other commands share. Settings: {@link
 * dev.streamtune.demo.DemoConfig}.
 */
package dev.streamtune.demo;
