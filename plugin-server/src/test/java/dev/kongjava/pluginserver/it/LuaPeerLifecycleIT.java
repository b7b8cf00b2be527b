package dev.kongjava.pluginserver.it;

import static dev.kongjava.pluginserver.it.LuaPeerHarness.config;
import static dev.kongjava.pluginserver.it.LuaPeerHarness.route;
import static dev.kongjava.pluginserver.it.LuaPeerHarness.stat;
import static dev.kongjava.pluginserver.it.LuaPeerHarness.text;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.Prerequisites;
import dev.kongjava.testkit.ServerProcess;
import dev.kongjava.testkit.luapeer.LuaPeer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Config changes, a crashed and restarted server, and Kong stopping the server: each on a fresh rig. */
class LuaPeerLifecycleIT {
    private static final String ECHO_ID = "00000000-0000-4000-8000-0000000000e1";
    private static final String HEADER_ID = "00000000-0000-4000-8000-0000000000e2";

    private LuaPeerHarness rig;

    @BeforeEach
    void createRig() throws Exception {
        Prerequisites.requireLuaPeer();
        rig = LuaPeerHarness.create();
    }

    @AfterEach
    void closeRig() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aNewPluginConfigStartsANewInstanceAndClosesTheOldOne() throws Exception {
        ServerProcess server = rig.startProbeServer();
        LuaPeer peer = rig.startPeer(rig.peerFor(config(route("/p", ECHO_ID, "probe", "{\"mode\":\"echo\"}"))));
        assertEquals("GET /p ", text(rig.get("/p", "X-Probe", "h")));
        Map<?, ?> before = onlyInstance(peer);

        assertEquals(2, peer.reconfigure(config(route("/p", ECHO_ID, "probe", "{\"mode\":\"header\"}"))));
        HttpResponse<byte[]> r = rig.get("/p", "X-Probe", "h");

        assertEquals(200, r.statusCode());
        assertEquals("h", text(r)); // the new config's behaviour
        Map<?, ?> after = onlyInstance(peer);
        long seqBefore = ((Number) before.get("seq")).longValue();
        assertTrue(((Number) after.get("seq")).longValue() > seqBefore, "a new __seq__: " + after);
        assertNotEquals(before.get("id"), after.get("id"));
        Map<String, Object> stats = rig.statsOnce("rpc_calls_log", 4);
        assertEquals(2, stat(stats, "start_instance"), stats.toString());
        assertEquals(1, stat(stats, "close_instance"), stats.toString());
        assertEquals(2, stat(stats, "config_builds"), "one rebuild after the reconfigure: " + stats);
        assertTrue(server.log().contains("instance #" + before.get("id") + " of probe closed by Kong"), server.log());
    }

    /**
     * The gap: a SIGKILLed server leaves its socket file, so Kong's connect() is refused. With MsgPack
     * that error is logged and the request goes on without the plugin (it is not "no plugin instance"):
     * on a service-less route that is Kong's 503, on a route with a service the request would be
     * proxied unfiltered. After the restart the first event carries the old instance id: the new pid
     * (serverPid notification) and the server's "No plugin instance" reset the worker's instances, and
     * the event is re-run on a new instance started with the route's config.
     */
    @Test
    void aKilledServerRestartedOnTheSameSocketRecoversThroughNoPluginInstance() throws Exception {
        ServerProcess first = rig.startProbeServer();
        LuaPeer peer = rig.startPeer(rig.peerFor(config(
                route("/echo", ECHO_ID, "probe", "{\"mode\":\"echo\"}"),
                route("/header", HEADER_ID, "probe", "{\"mode\":\"header\"}"))));
        assertEquals("POST /echo a", text(rig.post("/echo", "a".getBytes(UTF_8))));
        assertEquals("v", text(rig.get("/header", "X-Probe", "v")));
        List<Object> oldIds = instanceIds(peer);
        rig.awaitQuiet();

        first.kill();
        assertTrue(Files.exists(rig.probeSocket(), LinkOption.NOFOLLOW_LINKS), "SIGKILL leaves the socket file");
        peer.resetStats();
        HttpResponse<byte[]> gap = rig.post("/echo", "lost".getBytes(UTF_8));
        assertEquals(503, gap.statusCode());
        assertEquals("{\"message\":\"no Service found with those values\"}", text(gap));
        // access and log both fail; normally connect() is refused, but if nginx has not yet seen the
        // dead pooled connection close, that call fails with "no data" instead (same outcome)
        Map<String, Object> gapStats = rig.statsOnce("event_errors", 2);
        assertEquals(2, stat(gapStats, "event_errors"), gapStats.toString());
        assertEquals(2, stat(gapStats, "connect_errors") + stat(gapStats, "rpc_errors"), gapStats.toString());
        assertEquals(0, stat(gapStats, "no_plugin_instance_retries"), gapStats.toString());

        rig.startProbeServer();
        peer.resetStats();
        HttpResponse<byte[]> recovered = rig.post("/echo", "b".getBytes(UTF_8));
        assertEquals(200, recovered.statusCode());
        assertEquals("POST /echo b", text(recovered));
        assertEquals("w", text(rig.get("/header", "X-Probe", "w")));
        assertEquals("POST /echo c", text(rig.post("/echo", "c".getBytes(UTF_8))));

        Map<String, Object> stats = rig.statsOnce("rpc_calls_log", 6);
        assertEquals(1, stat(stats, "no_plugin_instance_retries"), stats.toString());
        assertEquals(1, stat(stats, "server_pid_changes"), stats.toString());
        // both routes' instances were dropped by the reset, each starts once on the new server
        assertEquals(2, stat(stats, "start_instance"), stats.toString());
        assertEquals(Map.of("200", 3), stats.get("status"));
        List<Object> newIds = instanceIds(peer);
        assertEquals(2, newIds.size());
        assertTrue(
                newIds.stream().noneMatch(oldIds::contains),
                "ids are never reused across restarts: " + oldIds + " then " + newIds);
        assertEquals(1, peer.errorLogLines("[kong] [probe] No plugin instance ").size(), peer.errorLog());
    }

    /**
     * The server closes instances idle longer than {@code --instance-idle-timeout} (Kong never closes
     * instances of deleted plugins). Kong recovers through "No plugin instance", but since 3.5 that
     * resets every instance of the plugin in every worker: a busy route's live instance is restarted
     * too, and its old instance stays on the server until it idles out in turn.
     */
    @Test
    void anExpiredInstanceRecoversAndMakesKongRestartTheBusyRoutesInstanceToo() throws Exception {
        ServerProcess server = rig.startProbeServer("--instance-idle-timeout", "2s");
        LuaPeer peer = rig.startPeer(rig.peerFor(config(
                route("/idle", ECHO_ID, "probe", "{\"mode\":\"echo\"}"),
                route("/busy", HEADER_ID, "probe", "{\"mode\":\"header\"}"))));
        assertEquals("POST /idle a", text(rig.post("/idle", "a".getBytes(UTF_8))));
        assertEquals("v", text(rig.get("/busy", "X-Probe", "v")));
        Map<?, ?> idle = instanceOf(peer, ECHO_ID);
        Map<?, ?> busy = instanceOf(peer, HEADER_ID);
        String expired = "instance #" + idle.get("id") + " of probe expired";
        for (int i = 0; !server.log().contains(expired); i++) {
            assertTrue(i < 50, "not expired within 10 s: " + server.log());
            assertEquals("v", text(rig.get("/busy", "X-Probe", "v"))); // keeps the busy instance in use
            Thread.sleep(200);
        }
        rig.awaitQuiet();
        peer.resetStats();

        assertEquals("POST /idle b", text(rig.post("/idle", "b".getBytes(UTF_8))));
        assertEquals("w", text(rig.get("/busy", "X-Probe", "w")));

        Map<String, Object> stats = rig.statsOnce("rpc_calls_log", 4);
        assertEquals(1, stat(stats, "no_plugin_instance_retries"), stats.toString());
        assertEquals(2, stat(stats, "start_instance"), "both routes restart: " + stats);
        assertNotEquals(busy.get("id"), instanceOf(peer, HEADER_ID).get("id"));
        assertFalse(server.log().contains("instance #" + busy.get("id") + " of probe expired"), server.log());
    }

    @Test
    void sigtermWhileThePeerIsIdleExitsZeroAndRemovesTheSocket() throws Exception {
        ServerProcess server = rig.startProbeServer();
        rig.startPeer(rig.peerFor(config(route("/echo", ECHO_ID, "probe", "{\"mode\":\"echo\"}"))));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, rig.post("/echo", "x".getBytes(UTF_8)).statusCode());
        }
        rig.awaitQuiet(); // only idle pooled connections remain

        long start = System.nanoTime();
        int exit = server.terminate(java.time.Duration.ofSeconds(15));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(0, exit, server.log());
        assertFalse(Files.exists(rig.probeSocket(), LinkOption.NOFOLLOW_LINKS), "socket removed");
        assertTrue(millis < 5000, "an idle server must not wait for its shutdown timeout, took " + millis + " ms");
        assertTrue(server.log().contains("shutting down: 0 events running, 1 instances"), server.log());
    }

    /** The instance cached by the (single) worker; there must be exactly one. */
    private static Map<?, ?> onlyInstance(LuaPeer peer) {
        List<Map<?, ?>> all = cachedInstances(peer);
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    /** The instance cached for the plugin entity {@code pluginId}; there must be exactly one. */
    private static Map<?, ?> instanceOf(LuaPeer peer, String pluginId) {
        List<Map<?, ?>> mine = cachedInstances(peer).stream()
                .filter(i -> pluginId.equals(i.get("key")))
                .toList();
        assertEquals(1, mine.size(), mine.toString());
        return mine.get(0);
    }

    private static List<Object> instanceIds(LuaPeer peer) {
        return cachedInstances(peer).stream().<Object>map(i -> i.get("id")).toList();
    }

    /** {@code GET /__peer/instances}: worker pid → [{key, id, seq, plugin}], flattened. */
    private static List<Map<?, ?>> cachedInstances(LuaPeer peer) {
        return peer.instances().values().stream()
                .flatMap(v -> ((List<?>) v).stream())
                .<Map<?, ?>>map(i -> (Map<?, ?>) i)
                .toList();
    }
}
