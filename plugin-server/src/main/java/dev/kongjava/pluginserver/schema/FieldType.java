package dev.kongjava.pluginserver.schema;

/** The Kong schema types a config field can have; {@link #kongName()} is what the dump says. */
public enum FieldType {
    STRING("string"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean"),
    ARRAY("array"),
    SET("set"),
    MAP("map"),
    RECORD("record");

    private final String kongName;

    FieldType(String kongName) {
        this.kongName = kongName;
    }

    /** The value of {@code "type"} in Kong's metaschema ({@code Schema.valid_types}). */
    public String kongName() {
        return kongName;
    }

    boolean isCollection() {
        return this == ARRAY || this == SET;
    }

    boolean isNumeric() {
        return this == INTEGER || this == NUMBER;
    }
}
