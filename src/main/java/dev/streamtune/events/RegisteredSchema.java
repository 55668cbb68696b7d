package dev.streamtune.events;

/**
 * One version of a subject in a schema registry.
 *
 * @param subject the subject
 * @param version its version under the subject, from 1
 * @param id the registry-wide schema id written in the wire format
 * @param schema the schema text as the registry holds it
 */
public record RegisteredSchema(String subject, int version, int id, String schema) {}
