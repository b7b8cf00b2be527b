package dev.kongjava.testkit.registry;

/**
 * A schema as the registry stores it.
 *
 * @param id the id that Confluent wire-format records carry
 * @param type the schema language
 * @param schema the schema text as the registry returns it
 */
public record RegisteredSchema(int id, SchemaType type, String schema) {}
