/**
 * Content hashes: {@link dev.streamtune.digest.Sha256}, the one sha256 helper of every package
 * (example keys, artifact checksums, the base model's digest, state directory names, token
 * comparison). Floor 0: it imports nothing of Streamtune.
 */
package dev.streamtune.digest;
