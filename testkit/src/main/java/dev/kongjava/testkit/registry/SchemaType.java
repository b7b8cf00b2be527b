package dev.kongjava.testkit.registry;

/** The schema languages of the Confluent API that the tests use, with their {@code schemaType} names. */
public enum SchemaType {
    /** Apache Avro; the Confluent API omits {@code schemaType} for it. */
    AVRO,
    /** JSON Schema ({@code "schemaType":"JSON"}). */
    JSON;

    /** The type named by a Confluent API answer, where a missing {@code schemaType} means Avro. */
    static SchemaType fromWire(String name) {
        return name == null || name.isEmpty() ? AVRO : valueOf(name);
    }
}
