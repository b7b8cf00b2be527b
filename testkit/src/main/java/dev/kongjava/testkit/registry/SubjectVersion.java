package dev.kongjava.testkit.registry;

/**
 * One version of a subject.
 *
 * @param subject the subject, e.g. {@code orders-value}
 * @param version the version number, from 1
 * @param schema the schema of that version
 */
public record SubjectVersion(String subject, int version, RegisteredSchema schema) {}
