/**
 * Declared settings: each setting is written once, with its key, default, validation and
 * description, and every source (CLI option, {@code STREAMTUNE_*} environment variable, a secret
 * file) is derived from that one declaration.
 *
 * <p>Each capability owns one immutable config record built from a {@link
 * dev.streamtune.config.ConfigSource}; a bad value fails with a {@link
 * dev.streamtune.config.ConfigException} naming the setting, at start-up.
 */
package dev.streamtune.config;
