package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How events and instances begin and end: exits, timeouts, exceptions, expiry, restarts. */
class EventLifecycleIT {
    private static final Duration EVENT_TIMEOUT = Duration.ofMillis(300);
    /** Scheduling slack for a loaded machine, far below anything a missing timeout would take. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    @BeforeEach
    void clearProbe() {
        ProbePlugin.events.clear();
    }

    @Test
    void stepsOfOneEventMayTravelOverDifferentConnections() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket()).freshConnectionPerCall(true)) {
            Exchange ex =
                    kong.plugin("probe", "{\"mode\":\"calls\",\"calls\":5}").access(CannedRequest.get("/"));
            assertEquals(204, ex.exitStatus());
            assertEquals(7, ex.rpcCount(), "StartInstance, HandleEvent, five Steps");
            assertEquals(7, kong.connectionsOpened(), "every RPC on its own connection");
        }
    }

    @Test
    void exitFreesTheEventAtOnceEvenAfterTenThousandExits() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            FakeKong.PluginConfig plugin = kong.plugin("probe", "{\"mode\":\"header\"}");
            for (int i = 0; i < 10_000; i++) {
                assertEquals(200, plugin.access(CannedRequest.get("/")).exitStatus());
            }
            assertEquals(0, s.server().status().events());
            assertEquals(1, s.server().status().instances());
        }
    }

    @Test
    void aPdkCallAfterExitFailsFastInThePlugin() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            Exchange ex = kong.plugin("probe", "{\"mode\":\"after-exit\"}").access(CannedRequest.get("/"));
            assertEquals(202, ex.exitStatus());
            assertEquals(
                    "kong.request.get_method failed: the event already ended with kong.response.exit",
                    ProbePlugin.events.poll(5, TimeUnit.SECONDS));
            assertEquals(List.of("kong.response.exit"), ex.methods());
        }
    }

    @Test
    void anEventKongAbandonsIsFreedAfterTheEventTimeoutAndThePluginIsTold() throws Exception {
        try (TestServer s = TestServer.start(o -> o.eventTimeout(EVENT_TIMEOUT), ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            // Kong raises inside get_raw_body: it sends no Step, the plugin would wait forever.
            Exchange ex = kong.plugin("probe", "{\"mode\":\"error\"}")
                    .access(CannedRequest.post("/").raising("kong.request.get_raw_body"));
            assertTrue(ex.aborted());
            assertEquals(1, s.server().status().events());
            assertEquals(
                    "kong.request.get_raw_body failed: Kong sent no result for event 1 within 300 ms",
                    ProbePlugin.events.poll(5, TimeUnit.SECONDS));
            assertEquals(0, s.server().status().events());
        }
    }

    @Test
    void aPluginThatDoesNotAnswerInTimeEndsTheRequestWithKongs500() throws Exception {
        try (TestServer s = TestServer.start(o -> o.eventTimeout(EVENT_TIMEOUT), ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            long start = System.nanoTime(); // the server runs in this JVM: its own clock
            Exchange ex = kong.plugin("probe", "{\"mode\":\"sleep\",\"sleep_ms\":600000}")
                    .access(CannedRequest.get("/"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("kong.response.error", ex.exitMethod());
            assertEquals(500, ex.exitStatus());
            assertEquals("{\"message\":\"An unexpected error occurred\"}", ex.exitBodyText());
            // not before the event timeout, and then promptly: the plugin would sleep for 600 s
            assertTrue(
                    millis >= EVENT_TIMEOUT.toMillis()
                            && millis < EVENT_TIMEOUT.plus(MARGIN).toMillis(),
                    "answered after " + millis + " ms with an event timeout of " + EVENT_TIMEOUT.toMillis() + " ms");
            waitFor(() -> s.server().status().events() == 0);
        }
    }

    @Test
    void aPluginExceptionFailsClosedAndTheServerKeepsServing() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            Exchange ex = kong.plugin("probe", "{\"mode\":\"throw\"}").access(CannedRequest.get("/"));
            assertEquals("kong.response.error", ex.exitMethod());
            assertEquals(500, ex.exitStatus());
            assertEquals(0, s.server().status().events());
            assertEquals(
                    200,
                    kong.plugin("probe", "{\"mode\":\"header\"}")
                            .access(CannedRequest.get("/"))
                            .exitStatus());
        }
    }

    @Test
    void idleInstancesExpireAndTheirResourcesAreClosed() throws Exception {
        try (TestServer s =
                        TestServer.start(o -> o.instanceIdleTimeout(Duration.ofMillis(200)), ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            int id = kong.startInstance("probe", "{\"mode\":\"ret\"}");
            assertEquals("closed ret", ProbePlugin.events.poll(5, TimeUnit.SECONDS));
            assertEquals(0, s.server().status().instances());
            assertEquals(
                    "No plugin instance " + id,
                    kong.event(id, "access", CannedRequest.get("/")).rpcError());
        }
    }

    @Test
    void closeInstanceWaitsForRunningEventsBeforeClosingTheHandler() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            Path release = s.directory().resolve("release");
            int id = kong.startInstance("probe", "{\"mode\":\"wait\",\"release_file\":\"" + release + "\"}");
            Thread request = Thread.ofVirtual().start(() -> kong.event(id, "access", CannedRequest.get("/")));
            waitFor(() -> s.server().status().events() == 1);
            kong.closeInstance(id);
            // the event runs until the test releases it, however slow the machine
            assertEquals(null, ProbePlugin.events.poll(200, TimeUnit.MILLISECONDS), "not closed while running");
            Files.createFile(release);
            request.join();
            assertEquals("closed wait", ProbePlugin.events.poll(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aConfigChangeStartsANewInstanceAndClosesTheOld() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            FakeKong.PluginConfig plugin = kong.plugin("probe", "{\"mode\":\"ret\"}");
            plugin.access(CannedRequest.get("/"));
            int first = plugin.instanceId();
            plugin.reconfigure("{\"mode\":\"header\"}");
            assertEquals(200, plugin.access(CannedRequest.get("/")).exitStatus());
            assertNotEquals(first, plugin.instanceId());
            assertEquals("closed ret", ProbePlugin.events.poll(5, TimeUnit.SECONDS));
            assertEquals(1, s.server().status().instances());
        }
    }

    @Test
    void afterARestartKongRecoversThroughNoPluginInstanceWithTheRightConfig() throws Exception {
        TestServer first = TestServer.start(ProbePlugin.DEFINITION);
        try (FakeKong kong = FakeKong.connect(first.socket())) {
            FakeKong.PluginConfig plugin = kong.plugin("probe", "{\"mode\":\"header\"}");
            assertEquals(
                    "v",
                    plugin.access(CannedRequest.get("/").header("x-probe", "v")).exitBodyText());
            first.server().close();
            try (var second = dev.kongjava.pluginserver.server.PluginServer.start(
                    dev.kongjava.pluginserver.server.ServerOptions.defaults(first.socket()), ProbePlugin.DEFINITION)) {
                Exchange ex = plugin.access(CannedRequest.get("/").header("x-probe", "again"));
                assertEquals("again", ex.exitBodyText());
                assertEquals(1, second.status().instances(), "the restarted server holds the instance Kong started");
                assertEquals(1, ex.restarts());
                assertEquals(2, plugin.starts());
            }
        } finally {
            first.close();
        }
    }

    @Test
    void instanceIdsAreNeverReusedAcrossRestarts() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int run = 0; run < 3; run++) {
            try (TestServer s = TestServer.start(ProbePlugin.DEFINITION);
                    FakeKong kong = FakeKong.connect(s.socket())) {
                for (int i = 0; i < 200; i++) {
                    assertTrue(seen.add(kong.startInstance("probe", "{}")), "id reused");
                }
            }
        }
        assertEquals(600, seen.size());
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(10);
        }
    }
}
