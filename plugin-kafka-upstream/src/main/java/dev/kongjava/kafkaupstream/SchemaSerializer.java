package dev.kongjava.kafkaupstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.kafkaupstream.json.Json;
import dev.kongjava.kafkaupstream.produce.SendResult;
import dev.kongjava.kafkaupstream.record.BadRequestBody;
import dev.kongjava.kafkaupstream.record.BoundedOutput;
import dev.kongjava.kafkaupstream.record.BuildBudget;
import dev.kongjava.kafkaupstream.record.MessageTooLarge;
import dev.kongjava.kafkaupstream.registry.RegistryFailure;
import dev.kongjava.kafkaupstream.registry.RegistryFields;
import dev.kongjava.kafkaupstream.registry.SchemaMismatch;
import dev.kongjava.kafkaupstream.registry.SubjectSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Serializes a request's records with the registry's schemas ({@code schema_registry.confluent}):
 * the value, as {@code message_format} built it (the envelope or the body), and the key, its text
 * as a JSON string, are parsed as JSON, checked against their subject's schema and written in the
 * Confluent wire format. A value or key that does not match gets 400 and nothing is sent.
 * Parsing builds a tree, so each document reserves {@link #TREE_BYTES_PER_BYTE} times its size
 * from the plugin's {@link BuildBudget} while it is encoded.
 */
final class SchemaSerializer {
    /**
     * Heap a parsed JSON document can hold per byte of its text: at most 37 for the worst shapes
     * measured (arrays of one-element arrays of empty objects; {@code SchemaSerializerTest}).
     */
    static final int TREE_BYTES_PER_BYTE = 48;

    /** The request is refused for a reason only the registry step has: the result says how. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient SendResult result;

        Refused(SendResult result) {
            super(result.error(), null, false, false);
            this.result = result;
        }

        SendResult result() {
            return result;
        }
    }

    private final SubjectSchemas schemas;

    private SchemaSerializer(SubjectSchemas schemas) {
        this.schemas = schemas;
    }

    /** The serializer of a config, or null when it names no schema (records go as they are built). */
    static SchemaSerializer of(RegistryFields config) {
        SubjectSchemas schemas = SubjectSchemas.of(config);
        return schemas == null ? null : new SchemaSerializer(schemas);
    }

    /** The records with serialized values and keys; one request's records share them, so each is done once. */
    List<ProducerRecord<byte[], byte[]>> serialize(
            List<ProducerRecord<byte[], byte[]>> records, BuildBudget budget, int limit)
            throws BadRequestBody, MessageTooLarge, Refused {
        IdentityHashMap<byte[], byte[]> done = new IdentityHashMap<>();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> r : records) {
            byte[] value = schemas.hasValueSchema() ? encode(done, r.value(), false, budget, limit) : r.value();
            byte[] key =
                    schemas.hasKeySchema() && r.key() != null ? encode(done, r.key(), true, budget, limit) : r.key();
            out.add(new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), key, value, r.headers()));
        }
        return out;
    }

    private byte[] encode(
            IdentityHashMap<byte[], byte[]> done, byte[] raw, boolean isKey, BuildBudget budget, int limit)
            throws BadRequestBody, MessageTooLarge, Refused {
        byte[] encoded = done.get(raw);
        if (encoded == null) {
            encoded = isKey ? encode(jsonString(raw), true, budget, limit) : encode(raw, false, budget, limit);
            done.put(raw, encoded);
        }
        return encoded;
    }

    private byte[] encode(byte[] json, boolean isKey, BuildBudget budget, int limit)
            throws BadRequestBody, MessageTooLarge, Refused {
        long reserved = (long) TREE_BYTES_PER_BYTE * json.length;
        if (!budget.tryReserve(reserved)) {
            throw new Refused(SendResult.busy(budget.used() + " bytes of messages are being built"));
        }
        try {
            BoundedOutput out = new BoundedOutput(json.length + 5, limit);
            if (isKey) {
                schemas.writeKey(parse(json, "key"), json, out);
            } else {
                schemas.writeValue(parse(json, "value"), json, out);
            }
            return out.bytes();
        } catch (SchemaMismatch e) {
            throw new BadRequestBody(e.getMessage());
        } catch (RegistryFailure e) {
            throw new Refused(new SendResult(e.status(), e.getMessage(), null));
        } catch (BoundedOutput.Overflow e) {
            throw MessageTooLarge.message(limit);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // BoundedOutput writes to memory
        } finally {
            budget.release(reserved);
        }
    }

    private static JsonNode parse(byte[] json, String role) throws BadRequestBody {
        try {
            JsonNode document = Json.MAPPER.readTree(json);
            if (document.isMissingNode()) {
                throw new BadRequestBody("the " + role + " is not JSON, which its schema needs: it is empty");
            }
            return document;
        } catch (JsonProcessingException e) {
            throw new BadRequestBody("the " + role + " is not JSON, which its schema needs: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A key is text: its document is that text as a JSON string. */
    private static byte[] jsonString(byte[] key) {
        try {
            return Json.MAPPER.writeValueAsBytes(new String(key, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
