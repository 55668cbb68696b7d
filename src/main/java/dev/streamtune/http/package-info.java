/**
 * The one small HTTP helper that every endpoint of a worker shares (serve's API and dashboard, the
 * embedded schema registry, the health endpoints): {@link dev.streamtune.http.Http} answers JSON
 * and bytes, refuses a wrong method, reads a body within a limit, splits a path into segments, and
 * {@link dev.streamtune.http.Http.HttpError} carries any answer other than 200 up to the one place
 * that writes it. Over the JDK's {@code com.sun.net.httpserver}. Floor 0: it imports nothing of
 * Streamtune.
 */
package dev.streamtune.http;
