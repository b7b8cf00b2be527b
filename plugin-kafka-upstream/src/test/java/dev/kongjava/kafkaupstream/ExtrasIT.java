package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What users of the original asked for: keys, topics, record headers, compression, raw bodies, sharing. */
class ExtrasIT {
    private static KafkaBroker broker;
    private static ProducerPool pool;
    private static UpstreamServer server;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.builder().start();
        pool = new ProducerPool();
        server = UpstreamServer.start(Map.of(), KafkaUpstreamPlugin.define(pool));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        broker.close();
    }

    private static String topic(int partitions) {
        String topic = Configs.topic("x");
        broker.createTopic(topic, partitions);
        return topic;
    }

    private static FakeKong.PluginConfig plugin(String topic, String extra) {
        return server.kong.plugin(
                "kafka-upstream",
                Configs.config(
                        broker.bootstrap(Listener.PLAINTEXT),
                        topic,
                        "\"producer_async\":false" + (extra.isEmpty() ? "" : "," + extra)));
    }

    private static ConsumerRecord<byte[], byte[]> only(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = broker.readRecords(topic, 1, Duration.ofSeconds(10));
        assertEquals(1, records.size());
        return records.get(0);
    }

    private static List<String> headers(ConsumerRecord<byte[], byte[]> record) {
        List<String> out = new ArrayList<>();
        for (Header h : record.headers()) {
            out.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void theKeyComesFromAQueryArgumentAndIsNullWithoutIt() {
        String topic = topic(6);
        FakeKong.PluginConfig p = plugin(topic, "\"key_query_arg\":\"user\"");
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    200,
                    p.access(CannedRequest.post("/?user=alice&user=bob").body("x"))
                            .exitStatus());
        }
        assertEquals(200, p.access(CannedRequest.post("/?other=1").body("y")).exitStatus());
        List<ConsumerRecord<byte[], byte[]>> records = broker.readRecords(topic, 6, Duration.ofSeconds(10));
        List<ConsumerRecord<byte[], byte[]>> keyed =
                records.stream().filter(r -> r.key() != null).toList();
        assertEquals(5, keyed.size());
        keyed.forEach(r -> assertArrayEquals("alice".getBytes(StandardCharsets.UTF_8), r.key()));
        assertEquals(1, keyed.stream().map(ConsumerRecord::partition).distinct().count(), "same key, same partition");
        assertEquals(1, records.stream().filter(r -> r.key() == null).count());
    }

    @Test
    void aRequestCanChooseAllowedTopicsAndAnyOtherTopicRejectsTheWholeRequest() {
        String main = topic(1);
        String a = topic(1);
        String b = topic(1);
        FakeKong.PluginConfig p =
                plugin(main, "\"topics_query_arg\":\"topics\",\"allowed_topics\":[\"" + a + "\",\"" + b + "\"]");
        assertEquals(
                200,
                p.access(CannedRequest.post("/?topics=" + a + "," + b).body("both"))
                        .exitStatus());
        assertEquals(1, broker.readRecords(a, 1, Duration.ofSeconds(10)).size());
        assertEquals(1, broker.readRecords(b, 1, Duration.ofSeconds(10)).size());
        Exchange rejected =
                p.access(CannedRequest.post("/?topics=" + a + ",nope,other").body("no"));
        assertEquals(400, rejected.exitStatus());
        assertEquals(
                "{\"message\":\"Bad Request\",\"error\":\"one or more target topics are not in the allowed topics "
                        + "list: nope, other\"}",
                rejected.exitBodyText());
        assertEquals(200, p.access(CannedRequest.post("/").body("default")).exitStatus());
        assertEquals(1, broker.readRecords(main, 1, Duration.ofSeconds(10)).size());
        assertEquals(1, broker.countRecords(a), "the rejected request sent nothing");
    }

    @Test
    void selectedHttpHeadersBecomeRecordHeadersWithMappingsAndRepeatRules() {
        CannedRequest request = CannedRequest.post("/")
                .header("X-Request-Id", "r1")
                .header("X-Multi", "1")
                .header("x-multi", "2")
                .header("Authorization", "Bearer secret")
                .body("b");
        String allow =
                "\"include_headers\":[\"X-Request-Id\",\"x-multi\"],\"name_mappings\":{\"X-Request-Id\":\"request_id\"}";
        String topic = topic(1);
        plugin(topic, "\"headers\":{" + allow + "}").access(request);
        assertEquals(List.of("request_id=r1", "x-multi=1", "x-multi=2"), headers(only(topic)));
        topic = topic(1);
        plugin(topic, "\"headers\":{" + allow + ",\"repeated_headers_behavior\":\"take_first\"}")
                .access(request);
        assertEquals(List.of("request_id=r1", "x-multi=1"), headers(only(topic)));
        topic = topic(1);
        plugin(topic, "\"headers\":{" + allow + ",\"repeated_headers_behavior\":\"concatenate_by_comma\"}")
                .access(request);
        assertEquals(List.of("request_id=r1", "x-multi=1, 2"), headers(only(topic)));
        topic = topic(1);
        plugin(
                        topic,
                        "\"headers\":{\"forward_all_by_default\":true,\"exclude_headers\":[\"authorization\",\"x-multi\"]}")
                .access(request);
        assertEquals(List.of("x-request-id=r1"), headers(only(topic)));
        topic = topic(1);
        plugin(topic, "").access(request);
        assertEquals(List.of(), headers(only(topic)), "by default no header is copied");
    }

    @Test
    void everyCompressionTypeRoundTripsAndIsTheBatchesCompression() {
        for (String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
            String topic = topic(1);
            assertEquals(
                    200,
                    plugin(topic, "\"compression_type\":\"" + codec + "\"")
                            .access(CannedRequest.post("/")
                                    .header("Content-Type", "text/plain")
                                    .body("compress me " + codec))
                            .exitStatus());
            assertEquals(
                    "{\"body\":\"compress me " + codec + "\",\"body_args\":{}}",
                    new String(only(topic).value(), StandardCharsets.UTF_8));
            List<LogSegments.Batch> batches = LogSegments.batches(broker.dataDir(), topic, 0);
            assertEquals(1, batches.size());
            assertEquals(CompressionType.forName(codec), batches.get(0).compression(), codec);
        }
    }

    @Test
    void acksAllMakesTheProducerIdempotentAndAcksOneDoesNot() {
        String all = topic(1);
        plugin(all, "\"producer_request_acks\":-1")
                .access(CannedRequest.post("/").body("a"));
        only(all);
        assertNotEquals(
                RecordBatch.NO_PRODUCER_ID,
                LogSegments.batches(broker.dataDir(), all, 0).get(0).producerId());
        String one = topic(1);
        plugin(one, "\"producer_request_acks\":1")
                .access(CannedRequest.post("/").body("a"));
        only(one);
        assertEquals(
                RecordBatch.NO_PRODUCER_ID,
                LogSegments.batches(broker.dataDir(), one, 0).get(0).producerId());
    }

    @Test
    void theBodyFormatSendsTheRawBodyWithItsContentTypeAsAHeader() {
        String topic = topic(1);
        byte[] body = {1, 2, 3, (byte) 0xff};
        Exchange ex = plugin(topic, "\"message_format\":\"body\"")
                .access(CannedRequest.post("/")
                        .header("Content-Type", "application/octet-stream")
                        .body(body));
        assertEquals(
                List.of("kong.request.get_header", "kong.request.get_raw_body", "kong.response.exit"), ex.methods());
        ConsumerRecord<byte[], byte[]> record = only(topic);
        assertArrayEquals(body, record.value());
        assertEquals(List.of("content-type=application/octet-stream"), headers(record));
    }

    @Test
    void instancesWithTheSameClusterNameShareOneProducerEvenWithOtherSettings() {
        String topic = topic(1);
        int before = pool.size();
        plugin(topic, "\"cluster_name\":\"orders\",\"producer_request_acks\":1")
                .access(CannedRequest.post("/").body("1"));
        plugin(topic, "\"cluster_name\":\"orders\",\"producer_request_acks\":-1")
                .access(CannedRequest.post("/").body("2"));
        assertEquals(before + 1, pool.size());
        plugin(topic, "\"keepalive_enabled\":true")
                .access(CannedRequest.post("/").body("3"));
        assertEquals(before + 2, pool.size());
        assertEquals(3, broker.readRecords(topic, 3, Duration.ofSeconds(10)).size());
    }

    @Test
    void returnErrorMessageAddsKafkasOwnErrorToTheBody() {
        // nothing listens on port 1: metadata never arrives and Kafka says so in its own words
        String config = "{\"bootstrap_servers\":[{\"host\":\"127.0.0.1\",\"port\":1}],\"topic\":\"t\","
                + "\"producer_async\":false,\"producer_request_timeout\":300,\"producer_request_retries_max_attempts\":1";
        Exchange plain = server.kong
                .plugin("kafka-upstream", config + "}")
                .access(CannedRequest.post("/").body("x"));
        Exchange detailed = server.kong
                .plugin("kafka-upstream", config + ",\"error_handling\":{\"return_error_message\":true}}")
                .access(CannedRequest.post("/").body("x"));
        String base =
                "the Kafka brokers did not acknowledge the message on topic t in time (unreachable brokers or a missing topic)";
        assertEquals(502, plain.exitStatus());
        assertEquals("{\"message\":\"Bad Gateway\",\"error\":\"" + base + "\"}", plain.exitBodyText());
        assertEquals(502, detailed.exitStatus());
        assertEquals(
                "{\"message\":\"Bad Gateway\",\"error\":\"" + base
                        + ": TimeoutException: Topic t not present in metadata after 300 ms.\"}",
                detailed.exitBodyText());
    }

    @Test
    void aBootstrapHostThatDoesNotResolveIsAClear500AndTheNextRequestTriesAgain() {
        String config = "{\"bootstrap_servers\":[{\"host\":\"no-such-host.invalid\",\"port\":9092}],\"topic\":\"t\"}";
        FakeKong.PluginConfig p = server.kong.plugin("kafka-upstream", config);
        for (int i = 0; i < 2; i++) {
            Exchange ex = p.access(CannedRequest.post("/").body("x"));
            assertEquals(500, ex.exitStatus());
            assertEquals(
                    "{\"message\":\"Internal Server Error\",\"error\":\"could not create a Kafka producer from the "
                            + "configuration: No resolvable bootstrap urls given in bootstrap.servers\"}",
                    ex.exitBodyText());
        }
    }
}
