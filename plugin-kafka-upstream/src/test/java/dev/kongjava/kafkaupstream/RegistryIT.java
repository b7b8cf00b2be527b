package dev.kongjava.kafkaupstream;

import static dev.kongjava.kafkaupstream.RegistryConfigs.ORDER_AVRO;
import static dev.kongjava.kafkaupstream.RegistryConfigs.ORDER_JSON_SCHEMA;
import static dev.kongjava.kafkaupstream.RegistryConfigs.assertRefused;
import static dev.kongjava.kafkaupstream.RegistryConfigs.bodyWith;
import static dev.kongjava.kafkaupstream.RegistryConfigs.json;
import static dev.kongjava.kafkaupstream.RegistryConfigs.valueSchema;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.registry.ConfluentDecoder;
import dev.kongjava.testkit.registry.SchemaType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * schema_registry against a real registry (Apicurio Registry serving the Confluent API) and a real
 * broker, through FakeKong: records in the Confluent wire format, read back and decoded by the
 * registry's own deserializers (Apicurio's serdes, which share no code with the plugin), and
 * documents that do not match. RegistryOutageIT has the registry away.
 */
class RegistryIT extends RegistryRig.PerClass {
    private static final List<String> THREE_RPCS =
            List.of("kong.request.get_header", "kong.request.get_raw_body", "kong.response.exit");

    @Test
    void anAvroBodyBecomesAWireFormatRecordThatTheRegistrysDeserializerReadsWithDefaultsFilledIn() {
        int id = rig.registry.register(subject, SchemaType.AVRO, ORDER_AVRO);
        String topic = rig.topic();

        Exchange ex = rig.plugin(topic, bodyWith(valueSchema(rig.registry.confluentUrl(), subject)))
                .access(json("{\"item\":\"pen\",\"id\":42,\"note\":{\"string\":\"gift\"}}"));

        assertEquals(200, ex.exitStatus(), ex.exitBodyText());
        assertEquals(THREE_RPCS, ex.methods(), "the registry costs no PDK round trip");
        byte[] value = only(topic).value();
        assertEquals(id, ConfluentDecoder.schemaId(value));
        GenericRecord order =
                assertInstanceOf(GenericRecord.class, rig.registry.decoder().avro(value));
        assertEquals("{\"id\": 42, \"item\": \"pen\", \"note\": \"gift\", \"quantity\": 1}", order.toString());
    }

    @Test
    void aJsonSchemaBodyIsValidatedAndSentByteForByteAfterTheWireFormatHeader() {
        int id = rig.registry.register(subject, SchemaType.JSON, ORDER_JSON_SCHEMA);
        String topic = rig.topic();
        String body = "{ \"id\": 7,\n  \"item\": \"ink\" }";

        Exchange ex = rig.plugin(topic, bodyWith(valueSchema(rig.registry.confluentUrl(), subject)))
                .access(json(body));

        assertEquals(200, ex.exitStatus(), ex.exitBodyText());
        byte[] value = only(topic).value();
        assertArrayEquals(framed(id, body.getBytes(StandardCharsets.UTF_8)), value);
        assertEquals(
                "{\"id\":7,\"item\":\"ink\"}",
                rig.registry.decoder().json(value).toString());
    }

    @Test
    void aBodyThatDoesNotMatchGets400NamingTheFirstMismatchAndNothingIsSent() {
        int avroId = rig.registry.register(subject, SchemaType.AVRO, ORDER_AVRO);
        int jsonId = rig.registry.register("json-" + subject, SchemaType.JSON, ORDER_JSON_SCHEMA);
        String topic = rig.topic();
        FakeKong.PluginConfig avro = rig.plugin(topic, bodyWith(valueSchema(rig.registry.confluentUrl(), subject)));
        FakeKong.PluginConfig json =
                rig.plugin(topic, bodyWith(valueSchema(rig.registry.confluentUrl(), "json-" + subject)));

        assertRefused(
                400,
                "Bad Request",
                "the value does not match its schema, subject " + subject + " version 1 (id " + avroId
                        + "): $.id: expected long, got string",
                avro.access(json("{\"id\":\"7\",\"item\":\"pen\"}")));
        assertRefused(
                400,
                "Bad Request",
                "the value does not match its schema, subject " + subject + " version 1 (id " + avroId
                        + "): $.colour: not a field of record shop.Order",
                avro.access(json("{\"id\":7,\"item\":\"pen\",\"colour\":\"red\"}")));
        assertRefused(
                400,
                "Bad Request",
                "the value does not match its schema, subject json-" + subject + " version 1 (id " + jsonId
                        + "): $: required property 'item' not found",
                json.access(json("{\"id\":7}")));
        assertRefused(
                400,
                "Bad Request",
                "the value is not JSON, which its schema needs: Unexpected end-of-input: "
                        + "expected close marker for Object (start marker at [Source: REDACTED (`StreamReadFeature."
                        + "INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])",
                avro.access(json("{\"id\":7")));
        assertEquals(200, avro.access(json("{\"id\":8,\"item\":\"ok\"}")).exitStatus());
        assertEquals(
                8L,
                ((GenericRecord) rig.registry.decoder().avro(only(topic).value())).get("id"),
                "the refused requests sent nothing");
    }

    @Test
    void theEnvelopeIsWhatTheSchemaChecksWhenMessageFormatIsEnvelope() {
        int id = rig.registry.register(subject, SchemaType.JSON, """
                {"type":"object","required":["body_args"],"properties":{"body_args":{"type":"object",\
                "required":["id"],"properties":{"id":{"type":"integer"}}}}}""");
        String topic = rig.topic();
        FakeKong.PluginConfig p = rig.plugin(topic, valueSchema(rig.registry.confluentUrl(), subject));

        assertRefused(
                400,
                "Bad Request",
                "the value does not match its schema, subject " + subject + " version 1 (id " + id
                        + "): $.body_args.id: string found, integer expected",
                p.access(json("{\"id\":\"x\"}")));
        assertEquals(200, p.access(json("{\"id\":7}")).exitStatus());
        assertEquals(
                "{\"body_args\":{\"id\":7},\"body\":\"{\\\"id\\\":7}\"}",
                rig.registry.decoder().json(only(topic).value()).toString());
    }

    @Test
    void theKeyFromTheQueryIsSerializedWithTheKeySchemaAndNoKeyStaysNull() {
        String keySubject = subject.replace("-value", "-key");
        int keyId = rig.registry.register(keySubject, SchemaType.AVRO, "\"string\"");
        String topic = rig.topic();
        FakeKong.PluginConfig p = rig.plugin(
                topic,
                "\"key_query_arg\":\"user\",\"schema_registry\":{\"confluent\":"
                        + "{\"url\":\"" + rig.registry.confluentUrl() + "\",\"key_schema\":{\"subject_name\":\""
                        + keySubject
                        + "\",\"schema_version\":\"1\"}}}");

        assertEquals(200, p.access(json("{\"a\":1}").target("/?user=alice")).exitStatus());
        assertEquals(200, p.access(json("{\"a\":2}")).exitStatus());

        List<ConsumerRecord<byte[], byte[]>> records = rig.broker.readRecords(topic, 2, Duration.ofSeconds(10));
        assertEquals(keyId, ConfluentDecoder.schemaId(records.get(0).key()));
        assertEquals("alice", rig.registry.decoder().avro(records.get(0).key()).toString());
        assertEquals(
                "{\"body_args\":{\"a\":1},\"body\":\"{\\\"a\\\":1}\"}",
                new String(records.get(0).value(), StandardCharsets.UTF_8),
                "without value_schema the value is as built");
        assertNull(records.get(1).key());
    }

    @Test
    void aSubjectTheRegistryDoesNotHaveIs500NamingIt() {
        Exchange ex = rig.plugin(rig.topic(), bodyWith(valueSchema(rig.registry.confluentUrl(), subject)))
                .access(json("{}"));

        assertRefused(
                500,
                "Internal Server Error",
                "the schema registry at " + rig.registry.confluentUrl() + " has no subject " + subject
                        + " version latest (HTTP 404)",
                ex);
    }

    @Test
    void aMessageForSeveralTopicsIsTheSameWireFormatRecordInEach() {
        int id = rig.registry.register(subject, SchemaType.AVRO, ORDER_AVRO);
        String main = rig.topic();
        String audit = rig.topic();
        FakeKong.PluginConfig p = rig.plugin(
                main,
                "\"topics_query_arg\":\"topics\",\"allowed_topics\":[\"" + audit + "\"],"
                        + bodyWith(valueSchema(rig.registry.confluentUrl(), subject)));

        assertEquals(
                200,
                p.access(json("{\"id\":5,\"item\":\"cup\"}").target("/?topics=" + main + "," + audit))
                        .exitStatus());

        byte[] value = only(main).value();
        assertArrayEquals(value, only(audit).value());
        assertEquals(id, ConfluentDecoder.schemaId(value));
        assertEquals(5L, ((GenericRecord) rig.registry.decoder().avro(value)).get("id"));
    }

    private static byte[] framed(int id, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static ConsumerRecord<byte[], byte[]> only(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = rig.broker.readRecords(topic, 1, Duration.ofSeconds(10));
        assertEquals(1, records.size());
        return records.getFirst();
    }
}
