package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema;
import dev.kongjava.kafkaupstream.json.Json;
import dev.kongjava.kafkaupstream.produce.SendResult;
import dev.kongjava.kafkaupstream.record.BuildBudget;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** What encoding with a schema may hold, and how it gives way when it may not. */
class SchemaSerializerTest {
    private static final int MIB = 1024 * 1024;

    private static SchemaSerializer serializer(String registryUrl) {
        return SchemaSerializer.of(KafkaUpstreamSchema.SCHEMA
                .read(
                        "kafka-upstream",
                        KafkaUpstreamSchemaTest.MINIMAL
                                + ",\"schema_registry\":{\"confluent\":{\"url\":\"" + registryUrl
                                + "\",\"value_schema\":"
                                + "{\"subject_name\":\"orders-value\"}}}}")
                .schemaRegistry());
    }

    private static List<ProducerRecord<byte[], byte[]>> records(byte[] value) {
        return List.of(new ProducerRecord<>("t", value));
    }

    /**
     * Jackson's tree of a document, per byte of its text, for the shapes that make it largest: every
     * few bytes a node object with its map or list. The largest measured is about 37 bytes per byte.
     */
    @Test
    void theBudgetPerByteHoldsTheParseTreeOfTheCostliestShapes() throws Exception {
        Map<String, String> shapes = new LinkedHashMap<>();
        shapes.put("empty objects", "{}");
        shapes.put("arrays of one empty object", "[{}]");
        shapes.put("objects with an array of one object", "{\"a\":[{}]}");
        shapes.put("objects under an empty key", "{\"\":{}}");
        shapes.put("empty arrays", "[]");
        shapes.put("one-letter strings", "\"a\"");
        shapes.put("decimals", "1.5");
        double worst = 0;
        for (Map.Entry<String, String> shape : shapes.entrySet()) {
            byte[] document = arrayOf(shape.getValue(), MIB);
            long before = usedHeapAfterGc();
            JsonNode tree = Json.MAPPER.readTree(document);
            long held;
            try {
                held = usedHeapAfterGc() - before;
            } finally {
                Reference.reachabilityFence(tree);
            }
            double perByte = (double) held / document.length;
            worst = Math.max(worst, perByte);
            assertTrue(
                    held <= (long) SchemaSerializer.TREE_BYTES_PER_BYTE * document.length,
                    shape.getKey() + ": " + perByte + " bytes per byte");
        }
        assertTrue(worst > 25, "the shapes are the costly ones: at most " + worst + " bytes per byte");
    }

    @Test
    void aDocumentWhoseTreeTheBudgetCannotHoldGets503BeforeTheRegistryIsAsked() throws Exception {
        try (ServerSocket registry = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            SchemaSerializer serializer = serializer("http://127.0.0.1:" + registry.getLocalPort());
            BuildBudget budget = new BuildBudget(SchemaSerializer.TREE_BYTES_PER_BYTE * 100L);
            byte[] document = arrayOf("1", 101);

            SchemaSerializer.Refused refused = assertThrows(
                    SchemaSerializer.Refused.class, () -> serializer.serialize(records(document), budget, MIB));

            assertEquals(
                    new SendResult(
                            503,
                            "the plugin server holds too many requests right now; try again later",
                            "0 bytes of messages are being built"),
                    refused.result());
            registry.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, registry::accept, "the registry was not asked");
            assertEquals(0, budget.used());
        }
    }

    @Test
    void whatADocumentReservedIsGivenBackWhenTheRegistryFails() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        BuildBudget budget = new BuildBudget(BuildBudget.DEFAULT_BYTES);

        SchemaSerializer.Refused refused = assertThrows(
                SchemaSerializer.Refused.class,
                () -> serializer("http://127.0.0.1:" + closed).serialize(records(arrayOf("1", 100)), budget, MIB));

        assertEquals(502, refused.result().status());
        assertEquals(0, budget.used());
    }

    /** A JSON array of {@code element}s, about {@code size} bytes long. */
    private static byte[] arrayOf(String element, int size) {
        StringBuilder json = new StringBuilder(size).append('[').append(element);
        while (json.length() + element.length() + 2 <= size) {
            json.append(',').append(element);
        }
        return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
