package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;

/** Schemas, config fragments, requests and assertions the schema_registry tests share. */
final class RegistryConfigs {
    private RegistryConfigs() {}

    static final String ORDER_AVRO = """
            {"type":"record","name":"Order","namespace":"shop","fields":[\
            {"name":"id","type":"long"},{"name":"item","type":"string"},\
            {"name":"note","type":["null","string"],"default":null},\
            {"name":"quantity","type":"int","default":1}]}""";
    static final String ORDER_JSON_SCHEMA = """
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",\
            "properties":{"id":{"type":"integer"},"item":{"type":"string"}},"required":["id","item"]}""";

    /** The refusal body of the plugin: status, reason phrase, error text. */
    static void assertRefused(int status, String phrase, String error, Exchange ex) {
        assertEquals(status, ex.exitStatus(), ex.exitBodyText());
        assertEquals(
                "{\"message\":\"" + phrase + "\",\"error\":\"" + error.replace("\"", "\\\"") + "\"}",
                ex.exitBodyText());
    }

    static String valueSchema(String url, String subject) {
        return "\"schema_registry\":{\"confluent\":{\"url\":\"" + url + "\",\"value_schema\":{\"subject_name\":\""
                + subject + "\"}}}";
    }

    static String bodyWith(String registryConfig) {
        return "\"message_format\":\"body\"," + registryConfig;
    }

    static CannedRequest json(String body) {
        return CannedRequest.post("/")
                .header("Content-Type", "application/json")
                .body(body);
    }
}
