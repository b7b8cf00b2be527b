package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.Prerequisites;
import dev.kongjava.testkit.ServerProcess;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.luapeer.LuaPeer;
import dev.kongjava.testkit.registry.ConfluentDecoder;
import dev.kongjava.testkit.registry.SchemaRegistryServer;
import dev.kongjava.testkit.registry.SchemaType;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * schema_registry as Kong runs it: the shaded {@code kafka-upstream.jar} as the plugin server (so
 * the dependencies it leaves out are proven unneeded), the nginx/Lua Kong peer validating the
 * routes' configs against the jar's dump and proxying real HTTP, a real registry and broker.
 */
class RegistryLuaPeerIT {
    private static final Path JAR = Path.of("target/kafka-upstream.jar").toAbsolutePath();

    @TempDir
    static Path dir;

    private static KafkaBroker broker;
    private static SchemaRegistryServer registry;
    private static ServerProcess server;
    private static LuaPeer peer;
    private static String avroTopic;
    private static String jsonTopic;
    private static int avroId;
    private static int jsonId;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireLuaPeer();
        Prerequisites.require(
                "kafka-upstream-jar",
                Files.isRegularFile(JAR),
                () -> JAR + " is built by the package phase of plugin-kafka-upstream");
        broker = KafkaBroker.builder().start();
        registry = SchemaRegistryServer.start();
        avroId = registry.register("peer-avro-value", SchemaType.AVRO, RegistryConfigs.ORDER_AVRO);
        jsonId = registry.register("peer-json-value", SchemaType.JSON, RegistryConfigs.ORDER_JSON_SCHEMA);
        avroTopic = topic();
        jsonTopic = topic();
        Path socket = dir.resolve("kafka-upstream.socket");
        server = ServerProcess.start(
                jar("--socket", socket.toString(), "--exit-with-parent"), Map.of(), socket, dir.resolve("server.log"));
        peer = LuaPeer.builder()
                .socketPath(socket)
                .queryCommand(jar("--dump"))
                .declarativeConfig("{\"routes\":[" + route("avro", avroTopic, "peer-avro-value") + ","
                        + route("json", jsonTopic, "peer-json-value") + "]}")
                .start();
    }

    @AfterAll
    static void stop() {
        try (SchemaRegistryServer r = registry;
                KafkaBroker b = broker) {
            if (peer != null) {
                peer.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void anAvroAndAJsonSchemaBodyThroughNginxBecomeRecordsTheRegistrysDeserializersRead() throws Exception {
        HttpResponse<String> avro = post("/avro", "{\"id\":3,\"item\":\"lamp\",\"note\":null}");
        HttpResponse<String> json = post("/json", "{\"id\":4,\"item\":\"desk\"}");

        assertEquals(List.of(200, 200), List.of(avro.statusCode(), json.statusCode()), avro.body() + json.body());
        assertEquals("{\"message\":\"message sent\"}", avro.body());
        byte[] avroValue = broker.readRecords(avroTopic, 1, Duration.ofSeconds(10))
                .getFirst()
                .value();
        assertEquals(avroId, ConfluentDecoder.schemaId(avroValue));
        assertEquals(
                "{\"id\": 3, \"item\": \"lamp\", \"note\": null, \"quantity\": 1}",
                registry.decoder().avro(avroValue).toString());
        byte[] jsonValue = broker.readRecords(jsonTopic, 1, Duration.ofSeconds(10))
                .getFirst()
                .value();
        assertEquals(jsonId, ConfluentDecoder.schemaId(jsonValue));
        assertEquals(
                "{\"id\":4,\"item\":\"desk\"}",
                registry.decoder().json(jsonValue).toString());
    }

    @Test
    void aBodyThatDoesNotMatchGetsTheSame400ThroughNginxAndNothingIsSent() throws Exception {
        long before = broker.countRecords(jsonTopic);

        HttpResponse<String> response = post("/json", "{\"id\":4.5,\"item\":\"desk\"}");

        assertEquals(400, response.statusCode());
        assertEquals(
                "{\"message\":\"Bad Request\",\"error\":\"the value does not match its schema, subject "
                        + "peer-json-value version 1 (id " + jsonId + "): $.id: number found, integer expected\"}",
                response.body());
        assertEquals(
                "application/json; charset=utf-8",
                response.headers().firstValue("Content-Type").orElse(""));
        assertEquals(before, broker.countRecords(jsonTopic));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(peer.baseUri().resolve(path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String route(String name, String topic, String subject) {
        String config = Configs.config(
                broker.bootstrap(Listener.PLAINTEXT),
                topic,
                "\"producer_async\":false,"
                        + RegistryConfigs.bodyWith(RegistryConfigs.valueSchema(registry.confluentUrl(), subject)));
        return "{\"name\":\"" + name + "\",\"paths\":[\"/" + name + "\"],\"plugins\":[{\"name\":\"kafka-upstream\","
                + "\"config\":" + config + "}]}";
    }

    /** {@code java -jar target/kafka-upstream.jar <args>}, as the launcher runs it. */
    private static List<String> jar(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                JavaProcess.javaBinary(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static String topic() {
        String topic = Configs.topic("peer-registry");
        broker.createTopic(topic, 1);
        return topic;
    }
}
