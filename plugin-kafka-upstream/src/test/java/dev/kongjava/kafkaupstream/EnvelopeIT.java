package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * For every flag combination and body kind, the record read back from a real broker equals the
 * expected envelope (compared as JSON), and the client gets exactly {@code {"message":"message sent"}}.
 */
class EnvelopeIT {
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

    /** Sends {@code request} through a sync acks=1 instance and returns the record it produced. */
    private static JsonNode send(String flags, CannedRequest request) throws Exception {
        String topic = Configs.topic("env");
        broker.createTopic(topic, 1);
        String config = Configs.config(
                broker.bootstrap(Listener.PLAINTEXT),
                topic,
                "\"producer_async\":false" + (flags.isEmpty() ? "" : "," + flags));
        Exchange ex = server.kong.plugin("kafka-upstream", config).access(request);
        assertEquals(200, ex.exitStatus(), ex.exitBodyText());
        assertEquals("{\"message\":\"message sent\"}", ex.exitBodyText());
        assertEquals(Map.of("Content-Type", "application/json; charset=utf-8"), ex.exitHeaders());
        List<ConsumerRecord<byte[], byte[]>> records = broker.readRecords(topic, 1, Duration.ofSeconds(10));
        assertEquals(1, records.size());
        assertEquals(null, records.get(0).key(), "no key configured: null, so Kafka spreads records");
        return JSON.readTree(records.get(0).value());
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static CannedRequest sample() {
        return CannedRequest.post("/path?key1=value1&k=1&k=2&flag")
                .header("Host", "kong.test")
                .header("Content-Type", "application/json")
                .header("X-Multi", "a")
                .header("x-multi", "b")
                .body("{\"foo\":\"bar\"}");
    }

    @Test
    void everyCombinationOfForwardFlagsProducesExactlyItsKeys() throws Exception {
        String method = "\"method\":\"POST\"";
        String uri =
                "\"uri\":\"/path?key1=value1&k=1&k=2&flag\",\"uri_args\":{\"key1\":\"value1\",\"k\":[\"1\",\"2\"],\"flag\":true}";
        String headers =
                "\"headers\":{\"host\":\"kong.test\",\"content-type\":\"application/json\",\"x-multi\":[\"a\",\"b\"]}";
        String body = "\"body\":\"{\\\"foo\\\":\\\"bar\\\"}\",\"body_args\":{\"foo\":\"bar\"}";
        for (int mask = 1; mask < 16; mask++) {
            boolean m = (mask & 1) != 0;
            boolean u = (mask & 2) != 0;
            boolean h = (mask & 4) != 0;
            boolean b = (mask & 8) != 0;
            String flags = "\"forward_method\":" + m + ",\"forward_uri\":" + u + ",\"forward_headers\":" + h
                    + ",\"forward_body\":" + b;
            String expected = "{"
                    + String.join(
                            ",",
                            java.util.stream.Stream.of(
                                            m ? method : null, u ? uri : null, h ? headers : null, b ? body : null)
                                    .filter(java.util.Objects::nonNull)
                                    .toList())
                    + "}";
            assertEquals(json(expected), send(flags, sample()), flags);
        }
    }

    @Test
    void theDefaultConfigNeedsThreeRoundTripsAndAllFlagsFive() throws Exception {
        String topic = Configs.topic("rpc");
        broker.createTopic(topic, 1);
        String base = Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic, "");
        var plugin = server.kong.plugin("kafka-upstream", base);
        plugin.access(sample());
        Exchange ex = plugin.access(sample());
        assertEquals(
                List.of("kong.request.get_header", "kong.request.get_raw_body", "kong.response.exit"), ex.methods());
        assertEquals(3, ex.rpcCount(), "HandleEvent + 2 Steps; exit needs no Step");
        var all = server.kong.plugin(
                "kafka-upstream",
                Configs.config(
                        broker.bootstrap(Listener.PLAINTEXT),
                        topic,
                        "\"forward_method\":true,\"forward_uri\":true,\"forward_headers\":true"));
        all.access(sample());
        Exchange full = all.access(sample());
        assertEquals(
                List.of(
                        "kong.request.get_method",
                        "kong.request.get_path_with_query",
                        "kong.request.get_headers",
                        "kong.request.get_raw_body",
                        "kong.response.exit"),
                full.methods());
        assertEquals(5, full.rpcCount());
    }

    @Test
    void aBinaryBodyIsBase64EncodedAndFlagged() throws Exception {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        JsonNode record = send(
                "", CannedRequest.post("/").header("Content-Type", "image/png").body(bytes));
        assertEquals(
                json("{\"body\":\"" + java.util.Base64.getEncoder().encodeToString(bytes)
                        + "\",\"body_args\":{},\"body_base64\":true}"),
                record);
    }

    @Test
    void aFormBodyIsParsedIntoBodyArgs() throws Exception {
        assertEquals(
                json("{\"body\":\"foo=bar&n=1&n=2\",\"body_args\":{\"foo\":\"bar\",\"n\":[\"1\",\"2\"]}}"),
                send(
                        "",
                        CannedRequest.post("/")
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .body("foo=bar&n=1&n=2")));
    }

    @Test
    void aMultipartBodyIsParsedIntoBodyArgs() throws Exception {
        String body = "--b0\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b0--\r\n";
        assertEquals(
                json("{\"body\":" + JSON.writeValueAsString(body) + ",\"body_args\":{\"a\":\"1\"}}"),
                send(
                        "",
                        CannedRequest.post("/")
                                .header("Content-Type", "multipart/form-data; boundary=b0")
                                .body(body)));
    }

    @Test
    void aRequestWithoutBodyGetsTheOriginalsEmptyBody() throws Exception {
        assertEquals(
                json("{\"body\":\"\",\"body_args\":{},\"body_base64\":true}"), send("", CannedRequest.get("/kafka")));
    }

    @Test
    void aCharsetParameterIsIgnoredForTheTypeAndHonouredForText() throws Exception {
        assertEquals(
                json("{\"body\":\"{}\",\"body_args\":{}}"),
                send(
                        "",
                        CannedRequest.post("/")
                                .header("Content-Type", "application/json; charset=utf-8")
                                .body("{}")));
        assertEquals(
                json("{\"body\":\"grüß\",\"body_args\":{}}"),
                send(
                        "",
                        CannedRequest.post("/")
                                .header("Content-Type", "text/plain; charset=ISO-8859-1")
                                .body("grüß".getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void malformedJsonIsRejectedWith400AndNothingReachesTheTopic() throws Exception {
        String topic = Configs.topic("bad");
        broker.createTopic(topic, 1);
        var plugin =
                server.kong.plugin("kafka-upstream", Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic, ""));
        Exchange ex = plugin.access(CannedRequest.post("/")
                .header("Content-Type", "application/json")
                .body("{\"foo\":"));
        assertEquals(400, ex.exitStatus());
        assertEquals(
                "{\"message\":\"Bad Request\",\"error\":\"could not parse the application/json body: "
                        + "Unexpected end-of-input within/between Object entries\"}",
                ex.exitBodyText());
        // a valid request after it, through the same producer into the one partition: once its record
        // is readable, a record of the refused request would be in the topic too (before it)
        Exchange marker = plugin.access(
                CannedRequest.post("/").header("Content-Type", "text/plain").body("marker"));
        assertEquals(200, marker.exitStatus(), marker.exitBodyText());
        List<ConsumerRecord<byte[], byte[]>> records = broker.readRecords(topic, 1, Duration.ofSeconds(30));
        assertEquals(
                json("{\"body\":\"marker\",\"body_args\":{}}"),
                JSON.readTree(records.get(0).value()));
        assertEquals(1, broker.countRecords(topic), "only the valid request's record");
    }
}
