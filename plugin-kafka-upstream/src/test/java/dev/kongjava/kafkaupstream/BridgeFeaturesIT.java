package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What HTTP-to-Kafka bridges offer, through FakeKong against a real broker: keys and partitions
 * from the request, JSON-array batches, and where each record was written in the answer.
 */
class BridgeFeaturesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaBroker broker;
    private static UpstreamServer server;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.builder().start();
        server = UpstreamServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        broker.close();
    }

    private static String topic(int partitions) {
        String topic = Configs.topic("bridge");
        broker.createTopic(topic, partitions);
        return topic;
    }

    private static FakeKong.PluginConfig plugin(String topic, String extra) {
        return server.kong.plugin(
                "kafka-upstream",
                Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic, "\"producer_async\":false," + extra));
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(String topic, int count) {
        return records(broker, topic, count);
    }

    /** Exactly {@code count} records of {@code topic}, in offset order (also for the Lua peer's test). */
    static List<ConsumerRecord<byte[], byte[]>> records(KafkaBroker broker, String topic, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = broker.readRecords(topic, count, Duration.ofSeconds(10));
        assertEquals(count, records.size());
        return records.stream()
                .sorted(Comparator.comparingLong(ConsumerRecord::offset))
                .toList();
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Where Kafka's default partitioner puts a key: murmur2, as any Java producer does. */
    private static int murmur2(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static CannedRequest json(String body) {
        return CannedRequest.post("/")
                .header("Content-Type", "application/json")
                .body(body);
    }

    @Test
    void theKeyFromAHeaderComesWithTheCallThatReadsTheContentTypeAndGoesWhereMurmur2PutsIt() {
        String topic = topic(6);
        FakeKong.PluginConfig p = plugin(topic, "\"key_header\":\"X-Customer\"");

        Exchange keyed =
                p.access(CannedRequest.post("/").header("x-customer", "alice").body("a"));
        Exchange unkeyed = p.access(CannedRequest.post("/").body("b"));

        assertEquals(
                List.of("kong.request.get_headers", "kong.request.get_raw_body", "kong.response.exit"),
                keyed.methods());
        assertEquals(List.of(200, 200), List.of(keyed.exitStatus(), unkeyed.exitStatus()));
        List<ConsumerRecord<byte[], byte[]>> records = broker.readRecords(topic, 2, Duration.ofSeconds(10));
        ConsumerRecord<byte[], byte[]> alice =
                records.stream().filter(r -> r.key() != null).findFirst().orElseThrow();
        assertEquals("alice", text(alice.key()));
        assertEquals(murmur2("alice", 6), alice.partition());
        assertEquals(1, records.stream().filter(r -> r.key() == null).count());
    }

    @Test
    void theKeyFromANamedCaptureOfTheRoutesPathCostsOneCall() {
        String topic = topic(1);

        Exchange ex = plugin(topic, "\"key_uri_capture\":\"customer\"")
                .access(CannedRequest.post("/orders/bob")
                        .uriCapture("customer", "bob")
                        .body("c"));

        assertEquals(
                List.of(
                        "kong.request.get_header",
                        "kong.request.get_raw_body",
                        "kong.request.get_uri_captures",
                        "kong.response.exit"),
                ex.methods());
        assertEquals("bob", text(records(topic, 1).get(0).key()));
    }

    @Test
    void theKeyFromAJsonPointerIsAStringAsItIsAnyOtherValueAsJsonAndAbsentIsNull() {
        String topic = topic(1);
        FakeKong.PluginConfig p = plugin(topic, "\"key_json_pointer\":\"/order/customer\"");
        for (String body : List.of(
                "{\"order\":{\"customer\":\"carol\"}}",
                "{\"order\":{\"customer\":42.50}}",
                "{\"order\":{\"customer\":{\"id\":[1, 2]}}}",
                "{\"order\":{}}",
                "{\"order\":{\"customer\":null}}")) {
            assertEquals(200, p.access(json(body)).exitStatus(), body);
        }
        assertEquals(
                200,
                p.access(CannedRequest.post("/")
                                .header("Content-Type", "text/plain")
                                .body("{\"order\":{\"customer\":\"not json\"}}"))
                        .exitStatus());

        // the raw body is not parsed for the record: the pointer's own reading finds it broken
        Exchange malformed = plugin(topic, "\"key_json_pointer\":\"/order/customer\",\"message_format\":\"body\"")
                .access(json("{\"order\":{\"customer\""));

        assertEquals(400, malformed.exitStatus());
        assertEquals(
                "{\"message\":\"Bad Request\",\"error\":\"could not parse the application/json body: Unexpected "
                        + "end-of-input within/between Object entries\"}",
                malformed.exitBodyText());
        assertEquals(
                java.util.Arrays.asList("carol", "42.50", "{\"id\":[1,2]}", null, null, null),
                records(topic, 6).stream().map(r -> text(r.key())).toList());
    }

    @Test
    void anExplicitPartitionFromAQueryArgumentOrAHeaderIsWhereTheRecordGoesAndABadOneSendsNothing() {
        String topic = topic(6);
        FakeKong.PluginConfig byArg = plugin(topic, "\"partition_query_arg\":\"p\",\"key_header\":\"x-key\"");
        FakeKong.PluginConfig byHeader = plugin(topic, "\"partition_header\":\"X-Partition\"");

        assertEquals(
                200,
                byArg.access(CannedRequest.post("/?p=4")
                                .header("x-key", "k")
                                .header("Content-Type", "text/plain")
                                .body("4"))
                        .exitStatus());
        assertEquals(
                200,
                byHeader.access(CannedRequest.post("/")
                                .header("X-Partition", "2")
                                .header("Content-Type", "text/plain")
                                .body("2"))
                        .exitStatus());
        Exchange notANumber = byArg.access(CannedRequest.post("/?p=-1").body("x"));
        Exchange missing = byHeader.access(
                CannedRequest.post("/").header("X-Partition", "6").body("x"));

        assertEquals(400, notANumber.exitStatus());
        assertEquals(
                "{\"message\":\"Bad Request\",\"error\":\"query argument p must be a partition number (0 or more)\"}",
                notANumber.exitBodyText());
        assertEquals(400, missing.exitStatus());
        assertEquals(
                "{\"message\":\"Bad Request\",\"error\":\"partition 6 does not exist in topic " + topic
                        + " (it has 6)\"}",
                missing.exitBodyText());
        List<ConsumerRecord<byte[], byte[]>> records = broker.readRecords(topic, 2, Duration.ofSeconds(10));
        assertEquals(
                Map.of("{\"body\":\"4\",\"body_args\":{}}", 4, "{\"body\":\"2\",\"body_args\":{}}", 2),
                Map.of(
                        text(records.get(0).value()),
                        records.get(0).partition(),
                        text(records.get(1).value()),
                        records.get(1).partition()));
        assertEquals(2, broker.countRecords(topic), "the refused requests sent nothing");
    }

    @Test
    void aJsonArrayBecomesOneRecordPerElementInOrderEachByteForByteWithItsOwnKey() {
        String topic = topic(1);
        String body = "[ {\"id\": \"a\", \"n\": 1},\"two\" ,\n 3.50,[4] ,null, {\"id\":\"f\"}]";

        Exchange ex = plugin(
                        topic, "\"batch_json_array\":true,\"message_format\":\"body\",\"key_json_pointer\":\"/id\"")
                .access(json(body));

        assertEquals(200, ex.exitStatus());
        assertEquals(Replies.SENT_BODY, ex.exitBodyText());
        List<ConsumerRecord<byte[], byte[]>> records = records(topic, 6);
        assertEquals(
                List.of("{\"id\": \"a\", \"n\": 1}", "\"two\"", "3.50", "[4]", "null", "{\"id\":\"f\"}"),
                records.stream().map(r -> text(r.value())).toList());
        assertEquals(
                java.util.Arrays.asList("a", null, null, null, null, "f"),
                records.stream().map(r -> text(r.key())).toList());
    }

    @Test
    void inTheEnvelopeEachElementIsTheBodyAndABodyThatIsNoArrayIsOneRecord() throws Exception {
        String topic = topic(1);
        FakeKong.PluginConfig p = plugin(topic, "\"batch_json_array\":true");

        assertEquals(200, p.access(json("[{\"a\":1},{\"b\":2}]")).exitStatus());
        assertEquals(200, p.access(json("{\"c\":3}")).exitStatus());

        assertEquals(
                List.of(
                        "{\"body_args\":{\"a\":1},\"body\":\"{\\\"a\\\":1}\"}",
                        "{\"body_args\":{\"b\":2},\"body\":\"{\\\"b\\\":2}\"}",
                        "{\"body_args\":{\"c\":3},\"body\":\"{\\\"c\\\":3}\"}"),
                records(topic, 3).stream().map(r -> text(r.value())).toList());
    }

    @Test
    void aBatchWithTooManyElementsNoElementsOrAnElementTooLargeIsRefusedWholeAndSendsNothing() {
        String topic = topic(1);
        FakeKong.PluginConfig p = plugin(
                topic,
                "\"batch_json_array\":true,\"batch_max_records\":3,"
                        + "\"producer_request_limits_bytes_per_request\":1024");
        String escapes = "\"" + "\\\"".repeat(300) + "\""; // 602 bytes of body, over 1024 once escaped in the envelope

        Exchange tooMany = p.access(json("[1,2,3,4]"));
        Exchange empty = p.access(json(" [ ] "));
        Exchange tooLarge = p.access(json("[1," + escapes + "]"));

        assertEquals(List.of(413, 400, 413), List.of(tooMany.exitStatus(), empty.exitStatus(), tooLarge.exitStatus()));
        assertEquals(
                "{\"message\":\"Payload Too Large\",\"error\":\"the JSON array has more than 3 elements, the most "
                        + "batch_max_records allows\"}",
                tooMany.exitBodyText());
        assertEquals(
                "{\"message\":\"Bad Request\",\"error\":\"the JSON array has no elements: a batch needs at least "
                        + "one\"}",
                empty.exitBodyText());
        assertEquals(
                "{\"message\":\"Payload Too Large\",\"error\":\"batch element 1: the message built from the request "
                        + "is larger than producer_request_limits_bytes_per_request (1024 bytes)\"}",
                tooLarge.exitBodyText());
        assertEquals(200, p.access(json("[1,2,3]")).exitStatus());
        assertEquals(3, broker.countRecords(topic), "only the last batch was sent");
    }

    @Test
    void inAsyncModeABatchIsAcceptedWholeOrNotAtAll() {
        String topic = topic(1);
        FakeKong.PluginConfig p = server.kong.plugin(
                "kafka-upstream",
                Configs.config(
                        broker.bootstrap(Listener.PLAINTEXT),
                        topic,
                        "\"batch_json_array\":true,\"producer_async_buffering_limits_messages_in_memory\":2,"
                                + "\"producer_async_flush_timeout\":0"));

        Exchange tooBig = p.access(json("[1,2,3]"));
        Exchange fits = p.access(json("[1,2]"));

        assertEquals(503, tooBig.exitStatus());
        assertEquals(
                "{\"message\":\"Service Unavailable\",\"error\":\"the async buffer of 2 messages is full; try again "
                        + "later\"}",
                tooBig.exitBodyText());
        assertEquals(200, fits.exitStatus());
        assertEquals(2, records(topic, 2).size());
        assertEquals(2, broker.countRecords(topic));
    }

    /**
     * The second element fits the plugin's limit but not, with Kafka's record overhead, the
     * producer's max.request.size: the producer refuses it at once, after taking the first.
     */
    @Test
    void whenTheProducerRefusesARecordOfAnAsyncBatchAtOnceTheAnswerNamesEachRecordsOutcome() throws Exception {
        String topic = topic(1);
        FakeKong.PluginConfig p = server.kong.plugin(
                "kafka-upstream",
                Configs.config(
                        broker.bootstrap(Listener.PLAINTEXT),
                        topic,
                        "\"batch_json_array\":true,\"message_format\":\"body\","
                                + "\"producer_request_limits_bytes_per_request\":1024"));

        Exchange ex = p.access(json("[1,\"" + "x".repeat(1000) + "\"]"));

        String tooLarge = "the message is larger than the producer or the broker accepts";
        assertEquals(
                JSON.readTree("{\"message\":\"Payload Too Large\",\"error\":\"" + tooLarge + "\",\"records\":["
                        + "{\"index\":0,\"topic\":\"" + topic + "\"},{\"index\":1,\"topic\":\"" + topic
                        + "\",\"error\":\"" + tooLarge
                        + "\"}]}"),
                JSON.readTree(ex.exitBodyText()));
        assertEquals(413, ex.exitStatus());
        assertEquals("1", text(records(topic, 1).get(0).value()), "the accepted element was delivered");
    }

    /**
     * The topic takes batches of at most 1000 bytes: the element whose key puts it alone on its
     * partition is too large for the broker, the others are written. The answer names each.
     */
    @Test
    void whenSomeRecordsOfASyncBatchFailTheAnswerSaysWhichWereWrittenWhereAndWhyTheOthersFailed() throws Exception {
        String topic = topic(2);
        try (Admin admin = Admin.create(broker.clientProperties(Listener.PLAINTEXT))) {
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, topic),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("max.message.bytes", "1000"), AlterConfigOp.OpType.SET))))
                    .all()
                    .get();
        }
        String small = key(0, 2);
        String big = key(1, 2);
        String body = "[{\"k\":\"" + small + "\"},{\"k\":\"" + big + "\",\"pad\":\"" + "x".repeat(1500)
                + "\"},{\"k\":\"" + small + "\"}]";

        Exchange ex = plugin(topic, "\"batch_json_array\":true,\"message_format\":\"body\",\"key_json_pointer\":\"/k\"")
                .access(json(body));

        assertEquals(413, ex.exitStatus(), ex.exitBodyText());
        List<ConsumerRecord<byte[], byte[]>> written = records(topic, 2);
        assertEquals(
                JSON.readTree("{\"message\":\"Payload Too Large\",\"error\":\"the message is larger than the producer "
                        + "or the broker accepts\",\"records\":[" + written(0, topic, written.get(0))
                        + ",{\"index\":1,\"topic\":\""
                        + topic + "\",\"error\":\"the message is larger than the producer or the broker accepts\"},"
                        + written(2, topic, written.get(1)) + "]}"),
                JSON.readTree(ex.exitBodyText()));
    }

    /** A key that murmur2 puts on {@code partition} of {@code partitions}. */
    private static String key(int partition, int partitions) {
        for (int i = 0; ; i++) {
            if (murmur2("key-" + i, partitions) == partition) {
                return "key-" + i;
            }
        }
    }

    private static String written(int index, String topic, ConsumerRecord<byte[], byte[]> record) {
        return "{\"index\":" + index + ",\"topic\":\"" + topic + "\",\"partition\":" + record.partition()
                + ",\"offset\":" + record.offset() + ",\"timestamp\":" + record.timestamp() + "}";
    }

    @Test
    void returnRecordMetadataListsTheTopicPartitionOffsetAndTimestampOfEveryRecord() throws Exception {
        String main = topic(3);
        String audit = topic(1);
        FakeKong.PluginConfig p = plugin(
                main,
                "\"return_record_metadata\":true,\"topics_query_arg\":\"topics\"," + "\"allowed_topics\":[\"" + audit
                        + "\"]");

        Exchange ex =
                p.access(CannedRequest.post("/?topics=" + main + "," + audit).body("x"));

        assertEquals(200, ex.exitStatus());
        ConsumerRecord<byte[], byte[]> inMain = records(main, 1).get(0);
        ConsumerRecord<byte[], byte[]> inAudit = records(audit, 1).get(0);
        JsonNode body = JSON.readTree(ex.exitBodyText());
        assertEquals(
                JSON.readTree("{\"message\":\"message sent\",\"records\":[{\"topic\":\"" + main + "\",\"partition\":"
                        + inMain.partition() + ",\"offset\":" + inMain.offset() + ",\"timestamp\":" + inMain.timestamp()
                        + "},"
                        + "{\"topic\":\"" + audit + "\",\"partition\":0,\"offset\":" + inAudit.offset()
                        + ",\"timestamp\":"
                        + inAudit.timestamp() + "}]}"),
                body);
        assertTrue(
                ex.exitBodyText().startsWith("{\"message\":\"message sent\",\"records\":[{\"topic\":"),
                "the seed's message first: " + ex.exitBodyText());
    }

    @Test
    void aBatchWithRecordMetadataListsEachElementsRecordWithItsIndex() throws Exception {
        String topic = topic(1);

        Exchange ex = plugin(topic, "\"batch_json_array\":true,\"return_record_metadata\":true")
                .access(json("[1,2]"));

        assertEquals(200, ex.exitStatus());
        List<ConsumerRecord<byte[], byte[]>> records = records(topic, 2);
        assertEquals(
                JSON.readTree("{\"message\":\"message sent\",\"records\":[" + written(0, topic, records.get(0)) + ","
                        + written(1, topic, records.get(1)) + "]}"),
                JSON.readTree(ex.exitBodyText()));
        assertNull(JSON.readTree(ex.exitBodyText()).get("error"));
        assertArrayEquals(
                "{\"body_args\":1,\"body\":\"1\"}".getBytes(StandardCharsets.UTF_8),
                records.get(0).value());
    }
}
