/** Checks of the code's shape against docs/architecture.md. */
package dev.streamtune.architecture;
