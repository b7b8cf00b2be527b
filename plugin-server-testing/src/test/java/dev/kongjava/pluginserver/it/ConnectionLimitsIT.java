package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.KongConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one connection can cost everyone else: a peer that stops reading costs only its own
 * connection, and connections beyond {@code --max-connections} are closed at once while the open
 * ones (Kong's pool) keep working.
 */
class ConnectionLimitsIT {
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    /** Far more replies than a socket buffer holds (a GetPluginInfo reply is several hundred bytes). */
    private static final int UNREAD_REPLIES = 3000;

    @BeforeEach
    void clearProbe() {
        ProbePlugin.events.clear();
    }

    @Test
    void aPeerThatStopsReadingDelaysNoOtherConnectionsTimeoutsOrExpiryAndLosesOnlyItsOwnConnection() throws Exception {
        try (TestServer s = TestServer.start(
                        o -> o.eventTimeout(EVENT_TIMEOUT).instanceIdleTimeout(IDLE_TIMEOUT), ProbePlugin.DEFINITION);
                StderrLines closedLog =
                        StderrLines.capture("closed a connection whose peer read no reply for 1000 ms");
                FakeKong kong = FakeKong.connect(s.socket());
                KongConnection stalled = new KongConnection(s.socket())) {
            // The stalled peer: an event whose plugin never answers (its timeout reply goes to this
            // connection), then requests whose replies it never reads, so the server's write blocks.
            Map<?, ?> started = (Map<?, ?>) stalled.call(
                            1,
                            "plugin.StartInstance",
                            List.of(Map.of("Name", "probe", "Config", "{\"mode\":\"sleep\",\"sleep_ms\":600000}")))
                    .result();
            stalled.send(
                    2, "plugin.HandleEvent", List.of(Map.of("InstanceId", started.get("Id"), "EventName", "access")));
            Thread flood = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < UNREAD_REPLIES; i++) {
                        stalled.send(3 + i, "plugin.GetPluginInfo", List.of("probe"));
                    }
                } catch (IOException e) {
                    // the server closed the stalled connection: what this test expects
                }
            });

            // Kong, on its own connections: an idle instance, and an event it abandons (no Step comes).
            assertEquals(
                    200,
                    kong.plugin("probe", "{\"mode\":\"header\"}")
                            .access(CannedRequest.get("/"))
                            .exitStatus());
            long abandoned = System.nanoTime();
            Exchange ex = kong.plugin("probe", "{\"mode\":\"error\"}")
                    .access(CannedRequest.post("/").raising("kong.request.get_raw_body"));
            assertTrue(ex.aborted());

            Duration bound = EVENT_TIMEOUT.multipliedBy(2).plusSeconds(5);
            String told = nextEvent("kong.request.get_raw_body failed", bound);
            long endedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - abandoned);
            assertTrue(told.endsWith(" within 1000 ms"), told);
            System.out.printf(
                    "next to a peer that stopped reading, an abandoned event ended after %d ms "
                            + "(event timeout %d ms)%n",
                    endedMillis, EVENT_TIMEOUT.toMillis());

            waitFor(
                    () -> s.server().status().instances() == 0,
                    IDLE_TIMEOUT.plus(bound),
                    "every idle instance expired");
            waitFor(
                    () -> s.server().status().connections() == kong.connectionsOpened(),
                    bound,
                    "the stalled connection closed, Kong's stayed open");
            assertEquals(1, closedLog.matches(), "the stalled connection is logged once");
            assertTrue(flood.join(Duration.ofSeconds(10)), "the stalled peer's writes ended");
            assertEquals(
                    "v",
                    kong.plugin("probe", "{\"mode\":\"header\"}")
                            .access(CannedRequest.get("/").header("x-probe", "v"))
                            .exitBodyText());
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnceAndTheOpenOnesKeepWorking() throws Exception {
        try (TestServer s = TestServer.start(o -> o.maxConnections(8), ProbePlugin.DEFINITION);
                StderrLines refusals =
                        StderrLines.capture("refused a connection: 8 connections are open (--max-connections)")) {
            List<KongConnection> pool = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    pool.add(new KongConnection(s.socket()));
                    assertNull(pool.getLast()
                            .call(1, "plugin.GetStatus", List.of())
                            .error());
                }
                for (int i = 0; i < 3; i++) {
                    try (KongConnection extra = new KongConnection(s.socket())) {
                        assertThrows(
                                IOException.class,
                                () -> extra.call(1, "plugin.GetStatus", List.of()),
                                "the ninth connection is closed without an answer");
                    }
                }
                assertEquals(1, refusals.matches(), "refusals are logged once per interval");
                for (KongConnection pooled : pool) {
                    assertNull(
                            pooled.call(2, "plugin.GetStatus", List.of()).error(), "open connections are never closed");
                }
                pool.removeFirst().close();
                waitFor(() -> s.server().status().connections() == 7, Duration.ofSeconds(10), "a connection ended");
                try (KongConnection next = new KongConnection(s.socket())) {
                    assertNull(next.call(3, "plugin.GetStatus", List.of()).error(), "a freed place is taken again");
                }
            } finally {
                for (KongConnection c : pool) {
                    c.close();
                }
            }
        }
    }

    /** The next thing a probe handler reported that starts with {@code prefix}, skipping others (instance closes). */
    private static String nextEvent(String prefix, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            String event = ProbePlugin.events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no event starting with '" + prefix + "' within " + within.toMillis() + " ms");
            }
            if (event.startsWith(prefix)) {
                return event;
            }
        }
    }

    private static void waitFor(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }
}
