package dev.kongjava.pluginserver.it;

import static dev.kongjava.pluginserver.it.LuaPeerHarness.config;
import static dev.kongjava.pluginserver.it.LuaPeerHarness.route;
import static dev.kongjava.pluginserver.it.LuaPeerHarness.stat;
import static dev.kongjava.pluginserver.it.LuaPeerHarness.text;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.Prerequisites;
import dev.kongjava.testkit.ServerProcess;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many requests through two nginx workers, as Kong runs in production: per-worker instances and
 * connection pools, and exact answers under sequential and concurrent load. Each test has its own
 * route (its own plugin instances); counters are reset per test.
 */
class LuaPeerLoadIT {
    private static final String POOL_ID = "00000000-0000-4000-8000-0000000000a1";
    private static final int WORKERS = 2;
    private static final int CLIENTS = 64;

    private static LuaPeerHarness rig;
    private static ServerProcess server;

    @BeforeAll
    static void startServerAndTwoWorkerPeer() throws Exception {
        Prerequisites.requireLuaPeer();
        rig = LuaPeerHarness.create();
        try {
            server = rig.startProbeServer();
            rig.startPeer(rig.peerFor(config(
                            route("/pool", POOL_ID, "probe", "{\"mode\":\"echo\"}"),
                            route("/seq", "00000000-0000-4000-8000-0000000000a2", "probe", "{\"mode\":\"echo\"}"),
                            route("/conc", "00000000-0000-4000-8000-0000000000a3", "probe", "{\"mode\":\"echo\"}")))
                    .workers(WORKERS));
        } catch (Exception | Error e) {
            rig.close();
            rig = null;
            throw e;
        }
    }

    @AfterAll
    static void stopServerAndPeer() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void eachWorkerStartsTheInstanceOnceAndReusesItsPooledConnections() throws Exception {
        rig.awaitQuiet();
        rig.peer().resetStats();
        Set<String> workerPids = ConcurrentHashMap.newKeySet();
        int requests = 0;
        // concurrent clients open several HTTP connections, which nginx spreads over its workers
        while (workerPids.size() < WORKERS && requests < 2000) {
            requests += concurrently(16, 10, "/pool", workerPids);
        }
        Map<String, Object> stats = rig.statsOnce("rpc_calls_log", 2L * requests);

        assertEquals(WORKERS, workerPids.size(), "both workers served requests");
        assertEquals(WORKERS, stat(stats, "start_instance"), "one StartInstance per worker: " + stats);
        Map<String, Object> byWorker = rig.peer().instances();
        assertEquals(workerPids, byWorker.keySet());
        List<Object> ids = new ArrayList<>();
        for (Object cached : byWorker.values()) {
            List<?> mine = ((List<?>) cached)
                    .stream()
                            .filter(i -> POOL_ID.equals(((Map<?, ?>) i).get("key")))
                            .toList();
            assertEquals(1, mine.size(), byWorker.toString());
            ids.add(((Map<?, ?>) mine.get(0)).get("id"));
        }
        assertEquals(WORKERS, Set.copyOf(ids).size(), "each worker has its own instance: " + ids);
        long calls = stat(stats, "rpc_calls");
        long opened = stat(stats, "connections_opened");
        assertEquals(6L * requests + WORKERS, calls, stats.toString()); // + the two StartInstance calls
        assertEquals(calls, opened + stat(stats, "connections_reused"), stats.toString());
        // a connection is opened only when a worker's pool has no idle one (concurrent RPCs): the
        // other nine in ten calls take a pooled connection
        assertTrue(opened * 10 <= calls, "connections opened: " + opened + " for " + calls + " calls");
        System.out.printf(
                "LuaPeerLoadIT: %d requests over %d workers: %d RPCs, %d connections opened%n",
                requests, WORKERS, calls, opened);
    }

    @Test
    void aThousandSequentialRequestsAllGetTheirExactAnswer() throws Exception {
        rig.awaitQuiet();
        rig.peer().resetStats();
        int n = 1000;
        Set<String> workerPids = ConcurrentHashMap.newKeySet();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            HttpResponse<byte[]> r = rig.post("/seq", ("seq-" + i).getBytes(UTF_8));
            assertEquals(200, r.statusCode(), text(r));
            assertEquals("POST /seq seq-" + i, text(r));
            r.headers().firstValue("X-Kpeer-Worker-Pid").ifPresent(workerPids::add);
        }
        report("sequential", n, start);

        assertNoErrors(rig.statsOnce("rpc_calls_log", 2L * n), n, workerPids.size());
    }

    @Test
    void sixtyFourConcurrentClientsAllGetTheirExactAnswers() throws Exception {
        rig.awaitQuiet();
        rig.peer().resetStats();
        int perClient = 16;
        long start = System.nanoTime();
        Set<String> workerPids = ConcurrentHashMap.newKeySet();
        int n = concurrently(CLIENTS, perClient, "/conc", workerPids);
        report(CLIENTS + " concurrent clients", n, start);

        assertEquals(CLIENTS * perClient, n);
        assertNoErrors(rig.statsOnce("rpc_calls_log", 2L * n), n, workerPids.size());
    }

    /**
     * {@code clients} virtual threads each POST {@code perClient} distinct bodies and check every answer
     * exactly; returns the number of requests, fails with every wrong answer.
     */
    private static int concurrently(int clients, int perClient, String path, Set<String> workerPids) throws Exception {
        Queue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        String body = "c" + client + "-" + i;
                        HttpResponse<byte[]> r = rig.post(path, body.getBytes(UTF_8));
                        String expected = "POST " + path + " " + body;
                        if (r.statusCode() != 200 || !expected.equals(text(r))) {
                            wrong.add(r.statusCode() + " " + text(r) + " instead of " + expected);
                        }
                        r.headers().firstValue("X-Kpeer-Worker-Pid").ifPresent(workerPids::add);
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " wrong answers, e.g. " + wrong.peek());
        return done.get();
    }

    /** Every request 200, no error counted, and 6 RPCs each plus the route's first StartInstance per worker. */
    private static void assertNoErrors(Map<String, Object> stats, int requests, int workersUsed) {
        assertEquals(Map.of("200", requests), stats.get("status"), stats.toString());
        for (String counter : List.of(
                "rpc_errors",
                "event_errors",
                "handler_aborts",
                "connect_errors",
                "no_plugin_instance_retries",
                "protocol_errors")) {
            assertEquals(0, stat(stats, counter), counter + " in " + stats);
        }
        assertEquals(workersUsed, stat(stats, "start_instance"), stats.toString());
        assertEquals(6L * requests + workersUsed, stat(stats, "rpc_calls"), stats.toString());
        assertFalse(server.log().contains(" ERROR "), server.log());
        assertFalse(server.log().contains(" WARN "), server.log());
    }

    private static void report(String what, int requests, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf(
                "LuaPeerLoadIT: %d requests, %s: %.2f s, %.0f req/s%n", requests, what, seconds, requests / seconds);
    }
}
