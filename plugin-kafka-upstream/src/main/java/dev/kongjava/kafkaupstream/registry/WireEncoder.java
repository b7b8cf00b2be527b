package dev.kongjava.kafkaupstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a JSON document in the Confluent wire format of one registered schema: the magic byte 0,
 * the schema id as 4 big-endian bytes, then the payload in the schema's own encoding.
 */
interface WireEncoder {
    /**
     * Writes one document, framed.
     *
     * @param document the parsed document
     * @param json the document as received (UTF-8), for encodings that keep it
     * @param out where the framed bytes go
     * @throws SchemaMismatch naming the first place where the document does not match; what was
     *     written to {@code out} until then is to be thrown away
     */
    void write(JsonNode document, byte[] json, OutputStream out) throws SchemaMismatch, IOException;

    /** The magic byte and the 4-byte id. */
    static void header(int schemaId, OutputStream out) throws IOException {
        out.write(0);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }
}
