package dev.kongjava.kafkaupstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.FailFastAssertionException;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.DisallowSchemaLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/**
 * JSON Schema records as Confluent's serializer writes them: the document is validated against
 * the schema and then framed as it was received, byte for byte. Validation stops at the first
 * error, which names its JSON path. The schema's {@code $schema} picks the draft (draft-07 when
 * absent, as Confluent's); schemas are never loaded from anywhere else, so a {@code $ref} to a URL
 * fails when the schema is fetched instead of making the server call that URL.
 */
final class JsonSchemaEncoder implements WireEncoder {
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .failFast(true)
            .pathType(PathType.JSON_PATH)
            .build();

    private final JsonSchema schema;
    private final int schemaId;

    private JsonSchemaEncoder(JsonSchema schema, int schemaId) {
        this.schema = schema;
        this.schemaId = schemaId;
    }

    /** @throws RuntimeException when the document is not a schema this validator can use */
    static JsonSchemaEncoder of(JsonNode schemaDocument, int schemaId) {
        SpecVersion.VersionFlag version =
                SpecVersionDetector.detectOptionalVersion(schemaDocument, false).orElse(SpecVersion.VersionFlag.V7);
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(
                version,
                builder -> builder.schemaLoaders(loaders -> loaders.values(list -> {
                    list.clear();
                    list.add(DisallowSchemaLoader.getInstance());
                })));
        JsonSchema schema = factory.getSchema(schemaDocument, CONFIG);
        schema.initializeValidators(); // resolves every $ref now, not on the first request
        return new JsonSchemaEncoder(schema, schemaId);
    }

    @Override
    public void write(JsonNode document, byte[] json, OutputStream out) throws SchemaMismatch, IOException {
        Set<ValidationMessage> errors;
        try {
            errors = schema.validate(document);
        } catch (FailFastAssertionException e) {
            // fail-fast mode may report the first error by throwing it
            throw new SchemaMismatch(e.getValidationMessage().getMessage());
        }
        if (!errors.isEmpty()) {
            throw new SchemaMismatch(errors.iterator().next().getMessage());
        }
        WireEncoder.header(schemaId, out);
        out.write(json);
    }
}
