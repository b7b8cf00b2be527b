package dev.kongjava.pluginserver.it;

import dev.kongjava.pluginserver.ProbeServerMain;
import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.ServerProcess;
import dev.kongjava.testkit.TempDirs;
import dev.kongjava.testkit.luapeer.LuaPeer;
import dev.kongjava.testkit.luapeer.LuaPeerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * The end-to-end rig: plugin server processes on Unix sockets in a temp directory, one Lua peer
 * (nginx) in front of them, and an HTTP/1.1 client. {@link #close} stops all of it, also when a test
 * failed half way, so no nginx or java process outlives the test.
 */
final class LuaPeerHarness implements AutoCloseable {
    /** Kong's own timeout (60 s) would turn a hang into a very slow failure. */
    private static final Duration RPC_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final List<ServerProcess> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade headers in what the plugin sees
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private LuaPeer peer;

    /** Stops nginx and the servers if the test JVM is terminated before {@link #close} ran. */
    private final Thread shutdownHook = new Thread(this::stopAll, "kpeer-it-cleanup");

    private LuaPeerHarness(Path dir) {
        this.dir = dir;
    }

    static LuaPeerHarness create() throws IOException {
        LuaPeerHarness harness = new LuaPeerHarness(Files.createTempDirectory("kpeer-it-"));
        Runtime.getRuntime().addShutdownHook(harness.shutdownHook);
        return harness;
    }

    /** The probe server's socket; stays the same across restarts, as Kong's configured path does. */
    Path probeSocket() {
        return dir.resolve("probe.socket");
    }

    /** Starts {@code ProbeServerMain --socket <probeSocket> ...} as a new process. */
    ServerProcess startProbeServer(String... extraArgs) throws IOException, InterruptedException {
        return startServer(ProbeServerMain.class, probeSocket(), extraArgs);
    }

    /** Starts a further server process (another main class) on {@code socket}. */
    ServerProcess startServer(Class<?> mainClass, Path socket, String... extraArgs)
            throws IOException, InterruptedException {
        Path log = dir.resolve("server-" + servers.size() + ".log");
        ServerProcess server = ServerProcess.startJava(mainClass, socket, log, extraArgs);
        servers.add(server);
        return server;
    }

    /** A peer for the probe server: query command {@code ProbeServerMain --dump}, debug headers on. */
    LuaPeerBuilder peerFor(String declarativeConfig) {
        return LuaPeer.builder()
                .socketPath(probeSocket())
                .queryCommand(JavaProcess.command(ProbeServerMain.class, "--dump"))
                .declarativeConfig(declarativeConfig)
                .socketTimeout(RPC_TIMEOUT)
                .debugHeaders(true);
    }

    LuaPeer startPeer(LuaPeerBuilder builder) throws IOException {
        if (peer != null) {
            throw new IllegalStateException("one peer per harness");
        }
        peer = builder.start();
        return peer;
    }

    LuaPeer peer() {
        return peer;
    }

    /** {@code {"routes":[...]}} from {@link #route} entries. */
    static String config(String... routes) {
        return "{\"routes\":[" + String.join(",", routes) + "]}";
    }

    /** A service-less route on {@code path} with one plugin of a fixed id, so reconfigures keep the id. */
    static String route(String path, String pluginId, String plugin, String pluginConfig) {
        String name = path.replaceAll("[^a-z0-9]", "");
        return """
                {"name":"%s","paths":["%s"],"plugins":[{"id":"%s","name":"%s","config":%s}]}""".formatted(name, path, pluginId, plugin, pluginConfig);
    }

    HttpResponse<byte[]> get(String pathAndQuery, String... headerPairs) {
        return send(request(pathAndQuery, headerPairs).GET());
    }

    HttpResponse<byte[]> post(String path, byte[] body, String... headerPairs) {
        return send(request(path, headerPairs).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private HttpRequest.Builder request(String pathAndQuery, String... headerPairs) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(peer.baseUri().resolve(pathAndQuery)).timeout(REQUEST_TIMEOUT);
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** A top-level counter of {@code GET /__peer/stats}; absent counters are 0. */
    static long stat(Map<String, Object> stats, String key) {
        return stats.get(key) instanceof Number n ? n.longValue() : 0;
    }

    /** A counter inside a group of {@code GET /__peer/stats}, e.g. {@code rpc} / {@code plugin.Step}. */
    static long stat(Map<String, Object> stats, String group, String key) {
        return stats.get(group) instanceof Map<?, ?> m && m.get(key) instanceof Number n ? n.longValue() : 0;
    }

    /**
     * Log handlers run in nginx timers after the response is sent: wait until {@code key} reaches
     * {@code expected} before asserting counters, then return the stats (the caller asserts).
     */
    Map<String, Object> statsOnce(String key, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Map<String, Object> stats = peer.stats();
        while (stat(stats, key) < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            stats = peer.stats();
        }
        return stats;
    }

    /**
     * Waits until the log timers of earlier requests are done (no RPC for a while), so that a
     * {@code resetStats()} afterwards counts only what the test does next.
     */
    void awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long last = -1;
        long now = stat(peer.stats(), "rpc_calls");
        while (now != last && System.nanoTime() < deadline) {
            Thread.sleep(50);
            last = now;
            now = stat(peer.stats(), "rpc_calls");
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook does the same work
        }
        stopAll();
    }

    private void stopAll() {
        try {
            if (peer != null) {
                peer.close();
            }
        } finally {
            servers.forEach(ServerProcess::close);
            http.close();
            TempDirs.deleteQuietly(dir);
        }
    }
}
