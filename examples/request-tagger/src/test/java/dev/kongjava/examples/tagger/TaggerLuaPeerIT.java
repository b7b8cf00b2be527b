package dev.kongjava.examples.tagger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.Prerequisites;
import dev.kongjava.testkit.ServerProcess;
import dev.kongjava.testkit.TempDirs;
import dev.kongjava.testkit.luapeer.LuaPeer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end as on Kong 3.9: the built jar runs twice, once per pluginserver entry of
 * kong-config/kong.conf (the same commands, with this machine's java, the built jar and temporary
 * sockets), and the nginx/Lua Kong peer, which like Kong 3.9 reads only the first plugin of each
 * dump, sends real HTTP requests through both plugins.
 */
class TaggerLuaPeerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of(System.getProperty("tagger.jar", "target/request-tagger.jar"));
    private static final List<String> SERVERS = List.of("request-tagger", "tag-echo");
    private static final Duration RPC_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LOG_TIMEOUT = Duration.ofSeconds(20);
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    private static final TaggerKongConf CONF = TaggerKongConf.read();
    private static final List<AutoCloseable> STARTED = new ArrayList<>();
    private static Path dir;
    private static HttpClient http;
    private static Upstream upstream;
    private static LuaPeer peer;

    @BeforeAll
    static void startServersAndPeer() throws Exception {
        Prerequisites.requireLuaPeer();
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: run mvn verify, which packages it before the ITs");
        dir = Files.createTempDirectory("tagger-it-");
        try {
            http = started(HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build());
            upstream = started(Upstream.start());
            for (String server : SERVERS) {
                started(ServerProcess.start(
                        command(server, "start_cmd"), Map.of(), socket(server), dir.resolve(server + ".log")));
            }
            peer = started(LuaPeer.builder()
                    .socketPath(socket("request-tagger"))
                    .queryCommand(command("request-tagger", "query_cmd"))
                    .addPluginServer("tag-echo", socket("tag-echo"), command("tag-echo", "query_cmd"))
                    .declarativeConfig(routes(upstream.port()))
                    .socketTimeout(RPC_TIMEOUT)
                    .start());
        } catch (Exception | Error e) {
            stopAll();
            throw e;
        }
    }

    @AfterAll
    static void stopAll() {
        for (AutoCloseable resource : STARTED.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                // stopping the rest matters more
            }
        }
        STARTED.clear();
        if (dir != null) {
            TempDirs.deleteQuietly(dir);
        }
    }

    @Test
    void theTagReachesTheUpstreamServiceAndTheLogPhaseLogsItWithTheStatus() throws Exception {
        HttpResponse<String> tagged = get("/tagged/orders", "X-Request-Tag", "it-1");

        assertEquals(200, tagged.statusCode());
        assertEquals("upstream ok", tagged.body());
        assertEquals(List.of("it-1"), upstream.headers("/orders").get("x-request-tag"));
        awaitLogLine("\\[kong\\] \\[request-tagger\\] tag it-1: GET /tagged/orders -> 200 in \\d+ ms");

        assertEquals(200, get("/tagged/other", "X-Request-Tag", "not plain!").statusCode());
        String replaced = upstream.headers("/other").get("x-request-tag").getFirst();
        assertTrue(replaced.matches(UUID), replaced);
    }

    @Test
    void bothPluginsOfTheJarAnswerFromTheirOwnServersAsKong39ReadsOnePluginPerDump() throws Exception {
        HttpResponse<String> echo = get("/echo", "X-Correlation-Id", "it-2");

        // request-tagger (priority 1000) stored the tag in kong.ctx.shared, tag-echo (900) answered with it
        assertEquals(200, echo.statusCode());
        assertEquals("{\"tag\":\"it-2\"}", echo.body());
        assertEquals(
                Optional.of("application/json; charset=utf-8"), echo.headers().firstValue("Content-Type"));
        for (String plugin : SERVERS) {
            assertEquals(
                    200,
                    peer.validatePlugin("{\"name\":\"" + plugin + "\",\"config\":{}}")
                            .statusCode(),
                    plugin);
        }
        awaitLogLine("\\[kong\\] \\[request-tagger\\] tag it-2: GET /echo -> 200 in \\d+ ms");
    }

    @Test
    void aDumpOfTheWholeJarGivesKong39OnlyItsFirstPlugin() throws Exception {
        List<String> wholeJar = new ArrayList<>(command("request-tagger", "query_cmd"));
        int plugin = wholeJar.indexOf("--plugin");
        wholeJar.subList(plugin, plugin + 2).clear();
        try (LuaPeer kong39 = LuaPeer.builder()
                .socketPath(socket("request-tagger"))
                .queryCommand(wholeJar)
                .declarativeConfig("{\"routes\":[]}")
                .start()) {
            assertEquals(
                    200,
                    kong39.validatePlugin("{\"name\":\"request-tagger\",\"config\":{}}")
                            .statusCode());

            HttpResponse<String> echo = kong39.validatePlugin("{\"name\":\"tag-echo\",\"config\":{}}");
            assertEquals(400, echo.statusCode());
            assertEquals(
                    "plugin 'tag-echo' not enabled; add it to the 'plugins' configuration property",
                    JSON.readTree(echo.body()).at("/fields/name").asText());
        }
    }

    /** A route to the upstream with request-tagger, and a service-less one where tag-echo answers. */
    private static String routes(int upstreamPort) {
        return """
                {"services":[{"name":"upstream","host":"127.0.0.1","port":%d,"path":"/"}],
                 "routes":[
                  {"name":"tagged","paths":["/tagged"],"service":"upstream",
                   "plugins":[{"name":"request-tagger","config":{}}]},
                  {"name":"echo","paths":["/echo"],
                   "plugins":[{"name":"request-tagger","config":{"header":"x-correlation-id"}},
                              {"name":"tag-echo","config":{}}]}]}""".formatted(upstreamPort);
    }

    private static List<String> command(String server, String command) {
        return CONF.localCommand(server, command, JavaProcess.javaBinary(), JAR.toAbsolutePath(), socket(server));
    }

    private static Path socket(String server) {
        return dir.resolve(server + ".socket");
    }

    private static <T extends AutoCloseable> T started(T resource) {
        STARTED.add(resource);
        return resource;
    }

    private static HttpResponse<String> get(String path, String header, String value)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(peer.baseUri().resolve(path))
                .header(header, value)
                .timeout(Duration.ofSeconds(20))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Kong runs the log phase in a timer after the response: wait (bounded) for its line. */
    private static void awaitLogLine(String regex) throws InterruptedException {
        Pattern line = Pattern.compile(regex);
        long deadline = System.nanoTime() + LOG_TIMEOUT.toNanos();
        while (peer.errorLog().lines().noneMatch(l -> line.matcher(l).find())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no log line matching " + regex + " within " + LOG_TIMEOUT + ":\n" + peer.errorLog());
            }
            Thread.sleep(50);
        }
    }
}
