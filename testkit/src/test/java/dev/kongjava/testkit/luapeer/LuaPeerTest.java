package dev.kongjava.testkit.luapeer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.Prerequisites;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests of the launcher and of the Lua peer against {@link FakePluginServer}. */
class LuaPeerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTE_ID = "6e0a1b6c-2b8a-4a6e-9c1d-3f2e4d5c6b7a";
    private static final String PLUGIN_ID = "a1b2c3d4-0000-4000-8000-000000000001";

    @TempDir
    Path tmp;

    private FakePluginServer server;
    private Path socket;
    private Path dump;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void requireNginx() {
        Prerequisites.requireLuaPeer();
    }

    @BeforeEach
    void startServer() throws IOException {
        socket = tmp.resolve("fake.socket");
        dump = tmp.resolve("dump.json");
        Files.writeString(dump, FakePluginServer.DUMP);
        server = new FakePluginServer(socket);
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    private static String config(String pluginConfig) {
        return """
                {"routes":[
                  {"id":"%s","name":"r1","paths":["/fake"],
                   "plugins":[{"id":"%s","name":"fake","config":%s}]},
                  {"name":"bare","paths":["/bare"]}
                ]}""".formatted(ROUTE_ID, PLUGIN_ID, pluginConfig);
    }

    private LuaPeerBuilder peer(String declarative) {
        return LuaPeer.builder()
                .socketPath(socket)
                .queryCommand("cat", dump.toString())
                .declarativeConfig(declarative)
                .socketTimeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> get(LuaPeer peer, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(peer.baseUri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(LuaPeer peer, String path, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(peer.baseUri().resolve(path))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (at most 20 s) until the plugin server has run an event of {@code phase}. */
    private void awaitPhase(String phase) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!server.handledPhases.contains(phase)) {
            assertTrue(System.nanoTime() < deadline, "no " + phase + " event: " + server.handledPhases);
            Thread.sleep(10);
        }
    }

    private static long num(Map<String, Object> stats, String key) {
        Object v = stats.get(key);
        return v instanceof Number n ? n.longValue() : 0;
    }

    @Test
    void routesAndKongLikeAnswersWithoutPlugins() throws Exception {
        try (LuaPeer peer = peer(config("{\"topic\":\"t\"}")).start()) {
            HttpResponse<String> miss = get(peer, "/nowhere");
            assertEquals(404, miss.statusCode());
            assertEquals(
                    "no Route matched with those values",
                    JSON.readTree(miss.body()).get("message").asText());
            assertTrue(miss.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));

            HttpResponse<String> bare = get(peer, "/bare/x");
            assertEquals(503, bare.statusCode());
            assertEquals("{\"message\":\"no Service found with those values\"}", bare.body());

            Map<String, Object> stats = peer.stats();
            assertEquals(2, num(stats, "requests"));
            assertEquals(0, num(stats, "rpc_calls"));
            assertTrue(peer.isRunning());
        }
    }

    @Test
    void fullEventWithWireTypesAndConfigDefaults() throws Exception {
        try (LuaPeer peer = peer(config("{\"topic\":\"orders\"}")).workers(2).start()) {
            HttpResponse<String> r = post(peer, "/fake/x?b=2&b=3&flag", new byte[] {0, 1, (byte) 0xff});
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(List.of("a", "b"), r.headers().allValues("X-Multi"));
            JsonNode steps = JSON.readTree(r.body());
            // get_method -> Step with str
            assertEquals("STRING", steps.get(0).get("type").asText());
            assertEquals("POST", steps.get(0).get("value").asText());
            // missing header -> Step without Data
            assertEquals("<absent>", steps.get(1).get("value").asText());
            assertEquals("plugin.Step", steps.get(1).get("step").asText());
            // get_query -> StepMultiMap, values always arrays, flag -> []
            assertEquals("plugin.StepMultiMap", steps.get(2).get("step").asText());
            assertEquals("MAP", steps.get(2).get("type").asText());
            assertEquals("[\"2\",\"3\"]", steps.get(2).get("value").get("b").toString());
            assertEquals("[]", steps.get(2).get("value").get("flag").toString());
            // raw body -> bin
            assertEquals("BINARY", steps.get(3).get("type").asText());
            assertEquals("3 bytes", steps.get(3).get("value").asText());
            // route -> StepRoute
            assertEquals("plugin.StepRoute", steps.get(5).get("step").asText());
            assertEquals("r1", steps.get(5).get("value").get("name").asText());

            JsonNode conf = JSON.readTree(server.startConfigs.get(0));
            assertEquals("orders", conf.get("topic").asText());
            assertEquals(1, conf.get("acks").asInt());
            assertEquals(5, conf.get("producer").get("linger_ms").asInt());
            assertTrue(conf.get("sasl").isNull());
            assertTrue(conf.get("tags").isArray());
            assertEquals(ROUTE_ID, conf.get("route_id").asText());
            assertEquals(PLUGIN_ID, conf.get("__plugin_id").asText());
            assertTrue(conf.get("__seq__").asInt() >= 1);
            assertTrue(conf.has("__key__"));

            // an empty query must still be a MAP
            JsonNode empty = JSON.readTree(get(peer, "/fake").body());
            assertEquals("MAP", empty.get(2).get("type").asText());
            assertEquals("{}", empty.get(2).get("value").toString());

            Map<String, Object> stats = peer.stats();
            assertEquals(2, num(stats, "requests"));
            assertTrue(num(stats, "start_instance") >= 1);
            assertEquals(0, num(stats, "handler_aborts"));
        }
    }

    @Test
    void concurrentFirstRequestsStartOneInstancePerWorker() throws Exception {
        try (LuaPeer peer = peer(config("{\"topic\":\"t\"}")).workers(2).start()) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                all.add(http.sendAsync(
                        HttpRequest.newBuilder(peer.baseUri().resolve("/fake")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                assertEquals(200, f.get().statusCode());
            }
            long starts = num(peer.stats(), "start_instance");
            assertTrue(starts >= 1 && starts <= 2, "one StartInstance per worker, got " + starts);
        }
    }

    @Test
    void reconfigureStartsNewInstanceAndClosesOld() throws Exception {
        try (LuaPeer peer = peer(config("{\"topic\":\"t1\"}")).start()) {
            assertEquals(200, get(peer, "/fake").statusCode());
            assertEquals(1, server.startConfigs.size());
            long version = peer.reconfigure(config("{\"topic\":\"t2\"}"));
            assertEquals(2, version);
            assertEquals(200, get(peer, "/fake").statusCode());
            assertEquals(2, server.startConfigs.size());
            assertEquals(
                    "t2", JSON.readTree(server.startConfigs.get(1)).get("topic").asText());
            assertEquals(List.of(1000L), server.closedIds);

            IllegalArgumentException bad =
                    assertThrows(IllegalArgumentException.class, () -> peer.reconfigure(config("{\"acks\":7}")));
            assertTrue(bad.getMessage().contains("config.topic: required field missing"), bad.getMessage());
            assertTrue(bad.getMessage().contains("config.acks: expected one of: -1, 0, 1"), bad.getMessage());
        }
    }

    @Test
    void noPluginInstanceRerunsTheEvent() throws Exception {
        try (LuaPeer peer = peer(config("{\"topic\":\"t\"}")).start()) {
            assertEquals(200, get(peer, "/fake").statusCode());
            // the log phase runs in a timer after the response: forgetting the instance before it
            // ran would make that event find no instance too
            awaitPhase("log");
            server.forgetInstances();
            assertEquals(200, get(peer, "/fake").statusCode());
            Map<String, Object> stats = peer.stats();
            assertEquals(1, num(stats, "no_plugin_instance_retries"), stats + "\n" + peer.errorLog());
            assertEquals(2, num(stats, "start_instance"), stats + "\n" + peer.errorLog());
            assertFalse(peer.errorLogLines("No plugin instance 1000").isEmpty(), peer.errorLog());
        }
    }

    @Test
    void serverPidChangeClearsCachedInstances() throws Exception {
        try (LuaPeer peer = peer(config("{\"topic\":\"t\"}")).poolSize(1).start()) {
            assertEquals(200, get(peer, "/fake").statusCode());
            server.pid = 4343;
            // only new connections carry the new pid: fire a few concurrent requests
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(http.sendAsync(
                        HttpRequest.newBuilder(peer.baseUri().resolve("/fake")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                assertEquals(200, f.get().statusCode());
            }
            assertEquals(200, get(peer, "/fake").statusCode());
            Map<String, Object> stats = peer.stats();
            assertTrue(num(stats, "server_pid_changes") >= 1, stats.toString());
            assertTrue(num(stats, "start_instance") >= 2, stats.toString());
        }
    }

    @Test
    void invalidDeclarativeConfigRefusesToStart() {
        IOException e = assertThrows(
                IOException.class, () -> peer(config("{\"acks\":2,\"nope\":1}")).start());
        assertTrue(e.getMessage().contains("schema violation"), e.getMessage());
        assertTrue(e.getMessage().contains("config.topic: required field missing"), e.getMessage());
        assertTrue(e.getMessage().contains("config.nope: unknown field"), e.getMessage());
    }

    @Test
    void failingQueryCommandRefusesToStart() {
        IOException e = assertThrows(
                IOException.class,
                () -> LuaPeer.builder()
                        .socketPath(socket)
                        .queryCommand("sh", "-c", "echo oops >&2; exit 3")
                        .declarativeConfig("{}")
                        .start());
        assertTrue(e.getMessage().contains("failed decoding plugin info"), e.getMessage());
        assertTrue(e.getMessage().contains("exited with 3"), e.getMessage());
        assertTrue(e.getMessage().contains("oops"), e.getMessage());
    }

    @Test
    void startInstanceFailureIs500() throws Exception {
        server.close();
        try (LuaPeer peer = peer(config("{\"topic\":\"t\"}")).start()) {
            HttpResponse<String> r = get(peer, "/fake");
            assertEquals(500, r.statusCode());
            assertEquals("{\"message\":\"An unexpected error occurred\"}", r.body());
            assertFalse(peer.errorLogLines("trying to connect").isEmpty(), peer.errorLog());
        }
        server = new FakePluginServer(socket);
    }

    @Test
    void kong2xModeSendsRawBodyAsStrAndNoPluginId() throws Exception {
        try (LuaPeer peer = peer(config("{\"topic\":\"t\"}")).kongVersion("2.x").start()) {
            HttpResponse<String> r = post(peer, "/fake", "abc".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode steps = JSON.readTree(r.body());
            assertEquals("STRING", steps.get(3).get("type").asText());
            JsonNode conf = JSON.readTree(server.startConfigs.get(0));
            assertFalse(conf.has("__plugin_id"));
            assertTrue(conf.has("__key__"));
            HttpResponse<String> miss = get(peer, "/nowhere");
            assertEquals("{\n  \"message\":\"no Route matched with those values\"\n}", miss.body());
        }
    }

    @Test
    void shellQuoting() {
        assertEquals(
                "java -jar '/tmp/a b.jar' 'it'\\''s'",
                LuaPeer.shellQuote(List.of("java", "-jar", "/tmp/a b.jar", "it's")));
        assertEquals("''", LuaPeer.shellQuote(List.of("")));
    }

    @Test
    void closeStopsNginxAndRemovesPrefix() throws Exception {
        LuaPeer peer = peer(config("{\"topic\":\"t\"}")).workers(2).start();
        Path prefix = peer.prefix();
        URI base = peer.baseUri();
        assertTrue(Files.isDirectory(prefix));
        peer.close();
        assertFalse(peer.isRunning());
        assertFalse(Files.exists(prefix));
        assertThrows(
                IOException.class,
                () -> http.send(
                        HttpRequest.newBuilder(base.resolve("/__peer/health")).build(),
                        HttpResponse.BodyHandlers.ofString()));
    }
}
