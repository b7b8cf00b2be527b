package dev.kongjava.kafkaupstream.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonSchemaEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER = """
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,
             "properties":{"id":{"type":"integer"},"tags":{"type":"array","items":{"type":"string","maxLength":3}}},
             "required":["id"]}""";

    private static byte[] encode(String schema, String json) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonSchemaEncoder.of(JSON.readTree(schema), 258)
                .write(JSON.readTree(json), json.getBytes(StandardCharsets.UTF_8), out);
        return out.toByteArray();
    }

    private static String mismatch(String schema, String json) {
        return assertThrows(SchemaMismatch.class, () -> encode(schema, json)).getMessage();
    }

    @Test
    void aValidDocumentIsFramedByteForByteAsItCame() throws Exception {
        String json = "{ \"id\" : 1,\n \"tags\": [\"a\"] }";
        byte[] expected = ("\0\0\0\1\2" + json).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, encode(ORDER, json));
    }

    @Test
    void theFirstErrorIsNamedWithItsJsonPath() {
        assertEquals("$.id: string found, integer expected", mismatch(ORDER, "{\"id\":\"1\",\"tags\":[\"abcd\"]}"));
        assertEquals(
                "$.tags[1]: must be at most 3 characters long",
                mismatch(ORDER, "{\"id\":1,\"tags\":[\"a\",\"abcd\"]}"));
        assertEquals("$: required property 'id' not found", mismatch(ORDER, "{}"));
        assertEquals(
                "$: property 'extra' is not defined in the schema and the schema does not allow additional "
                        + "properties",
                mismatch(ORDER, "{\"id\":1,\"extra\":true}"));
    }

    @Test
    void theDraftComesFromDollarSchemaAndDraft7IsTheDefault() throws Exception {
        String prefixItems = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"prefixItems\":"
                + "[{\"type\":\"integer\"}]}";
        assertEquals("$[0]: string found, integer expected", mismatch(prefixItems, "[\"x\"]"));
        // draft-07 does not know prefixItems, so without $schema it constrains nothing
        byte[] framed = encode(
                prefixItems.replace("\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",", ""), "[\"x\"]");
        assertEquals("[\"x\"]", new String(framed, 5, framed.length - 5, StandardCharsets.UTF_8));
    }

    @Test
    void aSchemaThatRefersToAUrlIsRefusedWhenItIsLoadedAndTheUrlIsNeverCalled() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/order.json";
            RuntimeException e = assertThrows(
                    RuntimeException.class, () -> JsonSchemaEncoder.of(JSON.readTree("{\"$ref\":\"" + url + "\"}"), 1));
            assertEquals("Schema from '" + url + "' is not allowed to be loaded.", e.getMessage());
            listener.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, listener::accept, "nobody connected");
        }
    }
}
