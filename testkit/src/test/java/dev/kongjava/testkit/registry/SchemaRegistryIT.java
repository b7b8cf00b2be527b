package dev.kongjava.testkit.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import io.apicurio.registry.rest.client.exception.ContentNotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** One real Apicurio Registry and one Kafka broker for the class; every test uses its own subjects. */
class SchemaRegistryIT {
    private static final String ORDER_AVRO = """
            {"type":"record","name":"Order","namespace":"shop","fields":[\
            {"name":"id","type":"long"},{"name":"item","type":"string"},\
            {"name":"note","type":["null","string"],"default":null}]}""";
    private static final String ORDER_AVRO_V2 = """
            {"type":"record","name":"Order","namespace":"shop","fields":[\
            {"name":"id","type":"long"},{"name":"item","type":"string"},\
            {"name":"note","type":["null","string"],"default":null},\
            {"name":"quantity","type":"int","default":1}]}""";
    private static final String ORDER_JSON_SCHEMA = """
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",\
            "properties":{"id":{"type":"integer"},"item":{"type":"string"}},"required":["id","item"]}""";

    private static SchemaRegistryServer registry;
    private static KafkaBroker kafka;

    private String subject;

    @BeforeAll
    static void start() {
        long started = System.nanoTime();
        registry = SchemaRegistryServer.start();
        System.out.printf(
                "schema registry started in %d ms%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        kafka = KafkaBroker.builder().start();
    }

    @AfterAll
    static void stop() {
        try (SchemaRegistryServer r = registry;
                KafkaBroker k = kafka) {
            // closes both, even if one fails
        }
    }

    @BeforeEach
    void nameSubject(TestInfo test) {
        subject = test.getTestMethod().orElseThrow().getName() + "-value";
    }

    @Test
    void anAvroSchemaRegisteredThroughTheConfluentApiReadsBackByIdAndBySubjectVersion() {
        int id = registry.register(subject, SchemaType.AVRO, ORDER_AVRO);

        RegisteredSchema expected = new RegisteredSchema(id, SchemaType.AVRO, ORDER_AVRO);
        assertEquals(expected, registry.schemaById(id));
        assertEquals(new SubjectVersion(subject, 1, expected), registry.version(subject, "1"));
        assertEquals(new SubjectVersion(subject, 1, expected), registry.version(subject, "latest"));
    }

    @Test
    void aJsonSchemaRegisteredThroughTheConfluentApiReadsBackWithSchemaTypeJson() {
        int id = registry.register(subject, SchemaType.JSON, ORDER_JSON_SCHEMA);

        RegisteredSchema expected = new RegisteredSchema(id, SchemaType.JSON, ORDER_JSON_SCHEMA);
        assertEquals(expected, registry.schemaById(id));
        assertEquals(new SubjectVersion(subject, 1, expected), registry.version(subject, "1"));
    }

    @Test
    void latestIsTheNewestVersionAndEachVersionKeepsItsOwnId() {
        int first = registry.register(subject, SchemaType.AVRO, ORDER_AVRO);
        int second = registry.register(subject, SchemaType.AVRO, ORDER_AVRO_V2);

        assertNotEquals(first, second);
        assertEquals(
                new SubjectVersion(subject, 2, new RegisteredSchema(second, SchemaType.AVRO, ORDER_AVRO_V2)),
                registry.version(subject, "latest"));
        assertEquals(first, registry.version(subject, "1").schema().id());
    }

    /** Confluent's ids name a schema, not a subject version: what a cache keyed by id relies on. */
    @Test
    void theSameSchemaUnderAnotherSubjectGetsTheSameId() {
        int id = registry.register(subject, SchemaType.AVRO, ORDER_AVRO);

        assertEquals(id, registry.register("other-" + subject, SchemaType.AVRO, ORDER_AVRO));
        assertEquals(id, registry.register(subject, SchemaType.AVRO, ORDER_AVRO));
        assertEquals(1, registry.version(subject, "latest").version());
    }

    @Test
    void anUnknownSubjectIsA404WithConfluentsErrorCode() {
        IllegalStateException error =
                assertThrows(IllegalStateException.class, () -> registry.version(subject, "latest"));

        assertEquals(
                "GET " + registry.confluentUrl() + "/subjects/" + subject + "/versions/latest answered 404: "
                        + "{\"message\":\"Subject '" + subject + "' not found.\",\"error_code\":40401}",
                error.getMessage());
    }

    @Test
    void aHandWrittenAvroRecordSentThroughKafkaDecodesWithTheRegistrysSchema() throws Exception {
        int id = registry.register(subject, SchemaType.AVRO, ORDER_AVRO);
        Schema schema = new Schema.Parser().parse(ORDER_AVRO);
        GenericRecord order = new GenericData.Record(schema);
        order.put("id", 42L);
        order.put("item", "pen");
        order.put("note", "gift");
        String topic = subject.replace("-value", "");
        kafka.createTopic(topic, 1);

        send(topic, framed(id, avroBinary(schema, order)));
        ConsumerRecord<byte[], byte[]> record =
                kafka.readRecords(topic, 1, Duration.ofSeconds(15)).getFirst();

        assertEquals(id, ConfluentDecoder.schemaId(record.value()));
        GenericRecord decoded =
                assertInstanceOf(GenericRecord.class, registry.decoder().avro(record.value()));
        assertEquals(order, decoded);
        assertEquals("{\"id\": 42, \"item\": \"pen\", \"note\": \"gift\"}", decoded.toString());
    }

    @Test
    void aHandWrittenJsonRecordDecodesAfterValidationAgainstTheRegistrysSchema() {
        int id = registry.register(subject, SchemaType.JSON, ORDER_JSON_SCHEMA);

        JsonNode decoded = registry.decoder().json(framed(id, utf8("{\"id\":7,\"item\":\"ink\"}")));

        assertEquals("{\"id\":7,\"item\":\"ink\"}", decoded.toString());
    }

    @Test
    void aJsonRecordThatBreaksItsSchemaFailsToDecodeNamingTheMismatch() {
        int id = registry.register(subject, SchemaType.JSON, ORDER_JSON_SCHEMA);

        UncheckedIOException error = assertThrows(
                UncheckedIOException.class,
                () -> registry.decoder().json(framed(id, utf8("{\"id\":\"seven\",\"item\":\"ink\"}"))));

        assertEquals(
                "java.io.IOException: Error validating data against json schema with message: "
                        + "$.id: string found, integer expected ",
                error.getMessage());
    }

    @Test
    void bytesWithoutTheMagicByteAreNotWireFormat() {
        byte[] plainJson = utf8("{\"id\":7}");

        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class, () -> registry.decoder().json(plainJson));

        assertEquals(
                "not in the Confluent wire format (magic byte 0, 4-byte schema id): "
                        + "8 bytes starting with 7b22696422",
                error.getMessage());
    }

    @Test
    void aRecordWithAnIdTheRegistryDoesNotKnowFailsToDecode() {
        Schema schema = Schema.create(Schema.Type.LONG);

        ContentNotFoundException error = assertThrows(
                ContentNotFoundException.class, () -> registry.decoder().avro(framed(999_999, avroBinary(schema, 1L))));

        assertEquals("No content with ID '999999' was found.", error.getMessage());
    }

    private static void send(String topic, byte[] value) throws Exception {
        Map<String, Object> settings = new HashMap<>(kafka.clientProperties(Listener.PLAINTEXT));
        settings.put("key.serializer", ByteArraySerializer.class.getName());
        settings.put("value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings)) {
            producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** The Confluent wire format, written by hand: magic byte 0, the id as 4 big-endian bytes, the payload. */
    private static byte[] framed(int schemaId, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length)
                .put((byte) 0)
                .putInt(schemaId)
                .put(payload)
                .array();
    }

    private static byte[] avroBinary(Schema schema, Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<>(schema).write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
