package dev.kongjava.testkit.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.testkit.kafka.QuietLogging;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.jsonschema.JsonSchemaKafkaDeserializer;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads records in the Confluent wire format (magic byte 0, a 4-byte big-endian schema id, the
 * payload) the way a consumer would: with a registry's own deserializers, which fetch the schema by
 * id. This is the independent check of what a producer wrote; it shares no code with the plugin.
 *
 * <p>The deserializers are Apicurio's Kafka serdes in their Confluent-compatible mode: a 4-byte id
 * that is the registry's content id (the id its Confluent API hands out) and no id in headers.
 */
public final class ConfluentDecoder implements AutoCloseable {
    static {
        QuietLogging.apply();
        // The serdes' schema cache logs a stack trace for every id it cannot fetch, before the
        // exception that the caller gets anyway; a user's own setting wins.
        String key = "org.slf4j.simpleLogger.log.io.apicurio";
        if (System.getProperty(key) == null) {
            System.setProperty(key, "off");
        }
    }

    private static final byte MAGIC = 0;
    private static final int HEADER_BYTES = 5;

    private final AvroKafkaDeserializer<Object> avro = new AvroKafkaDeserializer<>();
    private final JsonSchemaKafkaDeserializer<JsonNode> json = new JsonSchemaKafkaDeserializer<>();

    /** {@code login} is how to log in to a secured registry, or null. */
    ConfluentDecoder(String apicurioApiUrl, Login login) {
        Map<String, Object> settings = new HashMap<>(Map.of(
                "apicurio.registry.url", apicurioApiUrl,
                "apicurio.registry.use-id", "contentId",
                "apicurio.registry.id-handler", "io.apicurio.registry.serde.Legacy4ByteIdHandler",
                "apicurio.registry.headers.enabled", "false",
                // The JSON payload is checked against the registry's schema, not only parsed.
                "apicurio.registry.serde.validation-enabled", "true"));
        if (login != null) {
            settings.put("apicurio.auth.username", login.clientId());
            settings.put("apicurio.auth.password", login.clientSecret());
        }
        avro.configure(settings, false);
        json.configure(settings, false);
    }

    /**
     * The schema id of a wire-format record.
     *
     * @param framed the record's key or value
     * @return the id after the magic byte
     * @throws IllegalArgumentException if the bytes are shorter than 5 or do not start with 0
     */
    public static int schemaId(byte[] framed) {
        if (framed == null || framed.length < HEADER_BYTES || framed[0] != MAGIC) {
            throw new IllegalArgumentException("not in the Confluent wire format (magic byte 0, 4-byte schema id): "
                    + (framed == null ? "null" : framed.length + " bytes starting with " + hexStart(framed)));
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    /**
     * Decodes an Avro record with the writer's schema fetched from the registry by id.
     *
     * @param framed the record's key or value in wire format
     * @return a {@code GenericRecord} for a record schema, else the Avro value (e.g. {@code Utf8}, {@code Long})
     */
    public Object avro(byte[] framed) {
        schemaId(framed);
        return avro.deserialize("", framed);
    }

    /**
     * Parses a JSON Schema record and validates it against the schema fetched from the registry by id.
     *
     * @param framed the record's key or value in wire format
     * @return the JSON document
     */
    public JsonNode json(byte[] framed) {
        schemaId(framed);
        return json.deserialize("", framed);
    }

    @Override
    public void close() {
        avro.close();
        json.close();
    }

    private static String hexStart(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, HEADER_BYTES); i++) {
            hex.append(String.format("%02x", bytes[i]));
        }
        return hex.length() == 0 ? "nothing" : hex.toString();
    }
}
