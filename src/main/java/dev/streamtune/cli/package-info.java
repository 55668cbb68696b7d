/**
 * The {@code streamtune} command line: it parses options, builds each capability's config record,
 * and calls down. No logic of its own lives here.
 *
 * <p>Options are generated from the capabilities' declared {@link dev.streamtune.config.Setting}s,
 * so each setting's name, default and description are written once; secrets have no option and come
 * from the environment or a file.
 */
package dev.streamtune.cli;
