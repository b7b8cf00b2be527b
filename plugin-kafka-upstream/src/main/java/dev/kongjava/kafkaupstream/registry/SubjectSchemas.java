package dev.kongjava.kafkaupstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The record value and key schemas of one plugin instance ({@code schema_registry.confluent}),
 * each fetched from the registry when first needed, never while Kong waits for StartInstance.
 */
public final class SubjectSchemas {
    private final CachedSchema value;
    private final CachedSchema key;

    private SubjectSchemas(CachedSchema value, CachedSchema key) {
        this.value = value;
        this.key = key;
    }

    /**
     * The schemas a config names.
     *
     * @return null when the config names no value or key schema
     */
    public static SubjectSchemas of(RegistryFields config) {
        RegistrySettings settings = RegistrySettings.from(config);
        if (settings == null) {
            return null;
        }
        RegistryClient client = new RegistryClient(settings);
        return new SubjectSchemas(
                cached(client, settings.value(), settings, "value"), cached(client, settings.key(), settings, "key"));
    }

    private static CachedSchema cached(
            RegistryClient client, RegistrySettings.Subject subject, RegistrySettings settings, String role) {
        return subject == null ? null : new CachedSchema(client, subject, settings.ttl(), role);
    }

    /** Whether record values are serialized with a schema. */
    public boolean hasValueSchema() {
        return value != null;
    }

    /** Whether record keys are serialized with a schema. */
    public boolean hasKeySchema() {
        return key != null;
    }

    /**
     * Writes a record value in the Confluent wire format of the value schema.
     *
     * @param document the value, parsed
     * @param json the value as built (UTF-8 JSON)
     * @param out where the framed value goes
     * @throws RegistryFailure when the schema cannot be had
     * @throws SchemaMismatch when the value does not match it
     */
    public void writeValue(JsonNode document, byte[] json, OutputStream out)
            throws RegistryFailure, SchemaMismatch, IOException {
        value.write(document, json, out);
    }

    /** Like {@link #writeValue}, for the record key and the key schema. */
    public void writeKey(JsonNode document, byte[] json, OutputStream out)
            throws RegistryFailure, SchemaMismatch, IOException {
        key.write(document, json, out);
    }
}
