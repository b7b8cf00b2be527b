package dev.kongjava.kafkaupstream.registry;

/**
 * One subject version as the registry's Confluent API answers it.
 *
 * @param subject the subject and the version the config asked for
 * @param id the schema id that wire-format records carry
 * @param version the version number the registry resolved ({@code latest} names one)
 * @param type {@code AVRO} (the API's default), {@code JSON} or another type
 * @param text the schema document
 */
record FetchedSchema(RegistrySettings.Subject subject, int id, int version, String type, String text) {
    /** For messages: {@code subject orders-value version 3 (id 7)}. */
    String describe() {
        return "subject " + subject.name() + " version " + version + " (id " + id + ")";
    }
}
