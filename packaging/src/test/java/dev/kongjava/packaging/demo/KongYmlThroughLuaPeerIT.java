package dev.kongjava.packaging.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kongjava.packaging.RepoFiles;
import dev.kongjava.testkit.Prerequisites;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.luapeer.LuaPeer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kong-config/ as shipped, through the Kong-side Lua peer: kong.yml (only the broker address
 * changed) is validated against the schema from the launcher's dump the way Kong does, the server
 * runs through the launcher on the socket of its own, and the body buffer of kong.conf applies.
 */
class KongYmlThroughLuaPeerIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path prefix;

    private static KafkaBroker kafka;
    private static PluginServerProcess server;
    private static LuaPeer kong;
    private static String topic;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireLuaPeer();
        Prerequisites.require(
                "kafka-upstream-jar",
                Files.isRegularFile(RepoFiles.builtJar()),
                () -> RepoFiles.builtJar() + " is built by `mvn package` of plugin-kafka-upstream");
        JsonNode kongYml = RepoFiles.yaml("kong-config/kong.yml");
        JsonNode config = kongYml.at("/routes/0/plugins/0/config");
        topic = config.path("topic").asText();

        kafka = KafkaBroker.builder().start();
        kafka.createTopic(topic, 1);
        ObjectNode broker = (ObjectNode) config.at("/bootstrap_servers/0");
        broker.put("host", "127.0.0.1").put("port", kafka.port(Listener.PLAINTEXT));

        DemoOptions options = new DemoOptions(RepoFiles.root(), 0, DemoOptions.Front.LUA, topic);
        server = PluginServerProcess.start(options, prefix);
        Map<String, String> conf = RepoFiles.kongConf("kong-config/kong.conf");
        kong = LuaPeer.builder()
                .socketPath(server.socket())
                .queryShellCommand(PluginServerProcess.queryCommand(options))
                .declarativeConfig(RepoFiles.JSON.writeValueAsString(kongYml))
                .bodyBufferSize(conf.get("nginx_http_client_body_buffer_size"))
                .start();
    }

    @AfterAll
    static void stop() {
        if (kong != null) {
            kong.close();
        }
        if (server != null) {
            server.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aRequestOnTheKongYmlRouteBecomesTheEnvelopeRecord() throws Exception {
        String body =
                "{\"item\":\"book\",\"pad\":\"" + "x".repeat(200_000) + "\"}"; // far over nginx's default 8k buffer
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri("/kafka/orders?id=7"))
                        .header("Content-Type", "application/json")
                        .header("X-Trace", "t-1")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body() + "\n" + kong.errorLog());
        assertEquals("{\"message\":\"message sent\"}", response.body());

        ConsumerRecord<byte[], byte[]> record =
                kafka.readRecords(topic, 1, Duration.ofSeconds(30)).getFirst();
        JsonNode envelope = RepoFiles.JSON.readTree(record.value());
        assertEquals("POST", envelope.path("method").asText());
        assertEquals("/kafka/orders?id=7", envelope.path("uri").asText());
        assertEquals("7", envelope.at("/uri_args/id").asText());
        assertEquals("t-1", envelope.at("/headers/x-trace").asText());
        assertEquals(body, envelope.path("body").asText());
        assertEquals("book", envelope.at("/body_args/item").asText());
    }

    @Test
    void aBodyOverTheProducersLimitGetsThePlugins413() throws Exception {
        // kong.conf caps no body gateway-wide: the plugin refuses what Kafka would not take
        int size = 1024 * 1024 + 1;
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri("/kafka"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[size]))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(
                "413 {\"message\":\"Payload Too Large\",\"error\":\"the request body of " + size + " bytes is larger "
                        + "than producer_request_limits_bytes_per_request (1048576 bytes)\"}",
                response.statusCode() + " " + response.body(),
                kong.errorLog());
    }

    @Test
    void anotherPathHasNoRoute() throws Exception {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(uri("/other")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
    }

    private static URI uri(String pathAndQuery) {
        return kong.baseUri().resolve(pathAndQuery);
    }
}
