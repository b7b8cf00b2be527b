package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.Prerequisites;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.luapeer.LuaPeer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same request through the nginx/Lua Kong peer (real HTTP) and through FakeKong gives the same
 * record and the same response: the Java peer used by most tests does not hide anything Kong does.
 */
class LuaPeerEquivalenceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaBroker broker;
    private static UpstreamServer server;
    private static LuaPeer peer;
    private static String topic;
    private static String config;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireLuaPeer();
        broker = KafkaBroker.builder().start();
        topic = Configs.topic("peer");
        broker.createTopic(topic, 1);
        config = Configs.config(
                broker.bootstrap(Listener.PLAINTEXT),
                topic,
                "\"producer_async\":false," + "\"forward_method\":true,\"forward_uri\":true,\"forward_headers\":true");
        server = UpstreamServer.start();
        peer = LuaPeer.builder()
                .socketPath(server.server.socketPath())
                .queryCommand(JavaProcess.command(KafkaUpstreamMain.class, "--dump"))
                .declarativeConfig("{\"routes\":[{\"name\":\"kafka\",\"paths\":[\"/kafka\"],"
                        + "\"plugins\":[{\"name\":\"kafka-upstream\",\"config\":" + config + "}]}]}")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private JsonNode lastRecord() throws Exception {
        var records = broker.readRecords(topic, (int) broker.countRecords(topic), Duration.ofSeconds(10));
        return JSON.readTree(records.get(records.size() - 1).value());
    }

    @Test
    void aJsonPostGivesTheSameRecordAndResponseThroughBothPeers() throws Exception {
        HttpResponse<String> viaNginx = http.send(
                HttpRequest.newBuilder(peer.baseUri().resolve("/kafka?key1=value1&k=1&k=2&flag"))
                        .header("Content-Type", "application/json")
                        .header("X-Custom", "a")
                        .header("X-Custom", "b")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"foo\":\"bar\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, viaNginx.statusCode());
        assertEquals("{\"message\":\"message sent\"}", viaNginx.body());
        assertEquals(
                "application/json; charset=utf-8",
                viaNginx.headers().firstValue("Content-Type").orElse(""));
        JsonNode fromNginx = lastRecord();

        // the same request for FakeKong: the headers exactly as nginx saw them, in its order
        CannedRequest same =
                CannedRequest.post("/kafka?key1=value1&k=1&k=2&flag").body("{\"foo\":\"bar\"}");
        for (Map.Entry<String, JsonNode> h : fromNginx.get("headers").properties()) {
            if (h.getValue().isArray()) {
                h.getValue().forEach(v -> same.header(h.getKey(), v.asText()));
            } else {
                same.header(h.getKey(), h.getValue().asText());
            }
        }
        Exchange viaFake = server.kong.plugin("kafka-upstream", config).access(same);
        assertEquals(viaNginx.statusCode(), viaFake.exitStatus());
        assertEquals(viaNginx.body(), viaFake.exitBodyText());
        assertEquals(fromNginx, lastRecord());
        assertEquals(JSON.readTree("[\"a\",\"b\"]"), fromNginx.get("headers").get("x-custom"));
        assertEquals(
                JSON.readTree("{\"key1\":\"value1\",\"k\":[\"1\",\"2\"],\"flag\":true}"), fromNginx.get("uri_args"));
    }

    @Test
    void malformedJsonGetsTheSame400ThroughBothPeersAndNothingIsSent() throws Exception {
        long before = broker.countRecords(topic);
        HttpResponse<String> viaNginx = http.send(
                HttpRequest.newBuilder(peer.baseUri().resolve("/kafka"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"foo\":"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Exchange viaFake = server.kong
                .plugin("kafka-upstream", config)
                .access(CannedRequest.post("/kafka")
                        .header("Content-Type", "application/json")
                        .body("{\"foo\":"));
        assertEquals(400, viaNginx.statusCode());
        assertEquals(400, viaFake.exitStatus());
        assertEquals(viaFake.exitBodyText(), viaNginx.body());
        assertEquals(
                "{\"message\":\"Bad Request\",\"error\":\"could not parse the application/json body: "
                        + "Unexpected end-of-input within/between Object entries\"}",
                viaNginx.body());
        assertEquals(before, broker.countRecords(topic));
    }
}
