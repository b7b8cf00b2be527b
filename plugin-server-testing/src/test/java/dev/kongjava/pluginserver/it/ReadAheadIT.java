package dev.kongjava.pluginserver.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ReadAheadPlugin;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.KongConnection;
import dev.kongjava.testkit.WireValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A handler that reads ahead: the connection threads make its first calls before it starts, Kong
 * sees exactly the calls the handler makes, and what was read ahead is held and freed like any
 * answer from Kong.
 */
class ReadAheadIT {
    private static final Duration EVENT_TIMEOUT = Duration.ofMillis(300);
    /** Scheduling slack for a loaded machine, far below anything a missing timeout would take. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    @BeforeEach
    void clearEvents() {
        ReadAheadPlugin.events.clear();
    }

    @Test
    void theHandlerStartsOnlyOnceKongAnsweredEveryCallReadAhead() throws Exception {
        try (TestServer s = TestServer.start(ReadAheadPlugin.DEFINITION);
                KongConnection kong = new KongConnection(s.socket())) {
            int instance = start(kong, "{\"mode\":\"same\"}");
            Map<?, ?> first = result(
                    kong.call(2, "plugin.HandleEvent", List.of(Map.of("InstanceId", instance, "EventName", "access"))));
            Object event = first.get("EventId");
            assertEquals(Map.of("Method", "kong.request.get_method", "Args", List.of()), first.get("Data"));
            assertNull(ReadAheadPlugin.events.poll(), "the handler has not started");
            assertEquals(
                    Map.of("Method", "kong.request.get_header", "Args", List.of("x-probe")),
                    result(kong.call(3, "plugin.Step", List.of(Map.of("EventId", event, "Data", "POST"))))
                            .get("Data"));
            assertNull(ReadAheadPlugin.events.poll(), "the handler has not started");
            assertEquals(
                    Map.of("Method", "kong.request.get_raw_body", "Args", List.of(0L)),
                    result(kong.call(4, "plugin.Step", List.of(Map.of("EventId", event, "Data", "v"))))
                            .get("Data"));
            assertNull(ReadAheadPlugin.events.poll(), "the handler has not started");
            Map<?, ?> exit = (Map<?, ?>) result(kong.call(
                            5,
                            "plugin.Step",
                            List.of(Map.of("EventId", event, "Data", new WireValues.Bin("hello".getBytes(UTF_8))))))
                    .get("Data");
            assertEquals(Map.of("Method", "kong.response.exit", "Args", List.of(200L, "POST v hello")), exit);
            assertEquals("started", ReadAheadPlugin.events.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void kongSeesTheCallsTheHandlerMakesOverAnyConnections() throws Exception {
        try (TestServer s = TestServer.start(ReadAheadPlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket()).freshConnectionPerCall(true)) {
            Exchange ex = kong.plugin("read-ahead", "{\"mode\":\"same\"}")
                    .access(CannedRequest.post("/").header("x-probe", "v").body("hello"));
            assertEquals(200, ex.exitStatus());
            assertEquals("POST v hello", ex.exitBodyText());
            assertEquals(
                    List.of(
                            "kong.request.get_method",
                            "kong.request.get_header",
                            "kong.request.get_raw_body",
                            "kong.response.exit"),
                    ex.methods());
            assertEquals(5, ex.rpcCount(), "StartInstance, HandleEvent, three Steps: as without read-ahead");
            assertEquals(5, kong.connectionsOpened(), "every RPC on its own connection");
        }
    }

    @Test
    void aHandlerThatCallsSomethingElseGetsItFromKongAndTheRestReadAheadIsDropped() throws Exception {
        try (TestServer s = TestServer.start(ReadAheadPlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            Exchange ex = kong.plugin("read-ahead", "{\"mode\":\"diverge\"}")
                    .access(CannedRequest.get("/").header("x-a", "a").header("x-b", "b"));
            assertEquals("GET b", ex.exitBodyText());
            assertEquals(
                    List.of(
                            new Exchange.Call("kong.request.get_method", List.of()),
                            new Exchange.Call("kong.request.get_header", List.of("x-a")),
                            new Exchange.Call("kong.request.get_header", List.of("x-b"))),
                    ex.calls().subList(0, 3));
            assertEquals(0, s.server().status().bytesInFlight());
        }
    }

    @Test
    void anErrorAnswerEndsTheReadAheadAndTheHandlerGetsItAtThatCall() throws Exception {
        try (TestServer s = TestServer.start(ReadAheadPlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket()).kongVersion(2)) {
            // Kong 2.x answers get_raw_body with a StepError when the body was spooled to a file
            Exchange ex = kong.plugin("read-ahead", "{\"mode\":\"error\"}")
                    .access(CannedRequest.post("/").header("x-after", "h").spooledBody());
            assertEquals(500, ex.exitStatus());
            assertEquals(
                    "kong.request.get_raw_body failed: request body did not fit into client body buffer, "
                            + "consider raising 'client_body_buffer_size'",
                    ex.exitBodyText());
            assertEquals(
                    List.of("kong.request.get_method", "kong.request.get_raw_body", "kong.response.exit"),
                    ex.methods(),
                    "the header after the error is never asked for");
        }
    }

    @Test
    void whatWasReadAheadStaysChargedToTheInFlightBudgetUntilTheHandlerCallsKong() throws Exception {
        Path release = Files.createTempFile("read-ahead", ".release");
        Files.delete(release);
        try (TestServer s = TestServer.start(ReadAheadPlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(s.socket())) {
            byte[] body = new byte[1024 * 1024];
            Arrays.fill(body, (byte) 'b');
            FakeKong.PluginConfig plugin =
                    kong.plugin("read-ahead", "{\"mode\":\"hold\",\"release_file\":\"" + release + "\"}");
            CompletableFuture<Exchange> request = CompletableFuture.supplyAsync(
                    () -> plugin.access(CannedRequest.post("/").body(body)));
            assertEquals("started", ReadAheadPlugin.events.poll(30, TimeUnit.SECONDS));
            assertEquals("holding " + body.length, ReadAheadPlugin.events.poll(30, TimeUnit.SECONDS));
            // the body's Step was answered (with get_method) before the handler ran: it is still held
            long held = s.server().status().bytesInFlight();
            assertTrue(held >= body.length, "holds " + held + " bytes for a body of " + body.length);
            Files.createFile(release);
            assertEquals(200, request.get(30, TimeUnit.SECONDS).exitStatus());
            EventLifecycleIT.waitFor(() -> s.server().status().bytesInFlight() == 0);
        } finally {
            Files.deleteIfExists(release);
        }
    }

    @Test
    void anEventKongAbandonsDuringItsReadAheadIsFreedAfterTheEventTimeoutAndItsHandlerNeverRuns() throws Exception {
        try (TestServer s = TestServer.start(o -> o.eventTimeout(EVENT_TIMEOUT), ReadAheadPlugin.DEFINITION);
                KongConnection kong = new KongConnection(s.socket())) {
            int instance = start(kong, "{\"mode\":\"same\"}");
            long begin = System.nanoTime(); // the server runs in this JVM: its own clock
            result(kong.call(2, "plugin.HandleEvent", List.of(Map.of("InstanceId", instance, "EventName", "access"))));
            assertEquals(1, s.server().status().events());
            EventLifecycleIT.waitFor(() -> s.server().status().events() == 0); // Kong never sends the Step
            long millis = (System.nanoTime() - begin) / 1_000_000;
            assertTrue(
                    millis >= EVENT_TIMEOUT.toMillis()
                            && millis < EVENT_TIMEOUT.plus(MARGIN).toMillis(),
                    "freed after " + millis + " ms with an event timeout of " + EVENT_TIMEOUT.toMillis() + " ms");
            assertNull(ReadAheadPlugin.events.poll(), "the handler never ran");
            assertEquals(0, s.server().status().bytesInFlight());
        }
    }

    @Test
    void aReadAheadOfAnythingButAGetterFailsTheInstanceStart() throws Exception {
        try (TestServer s = TestServer.start(ReadAheadPlugin.DEFINITION);
                KongConnection kong = new KongConnection(s.socket())) {
            KongConnection.Reply reply = kong.call(
                    1,
                    "plugin.StartInstance",
                    List.of(Map.of("Name", "read-ahead", "Config", "{\"mode\":\"setter\"}")));
            assertEquals(
                    "starting an instance of read-ahead failed: read-ahead of access calls "
                            + "kong.response.set_header, which is not a getter (kong.<module>.get_*)",
                    reply.error());
            assertEquals(0, s.server().status().instances());
        }
    }

    private static int start(KongConnection kong, String config) throws IOException {
        Map<?, ?> started =
                result(kong.call(1, "plugin.StartInstance", List.of(Map.of("Name", "read-ahead", "Config", config))));
        return ((Number) started.get("Id")).intValue();
    }

    private static Map<?, ?> result(KongConnection.Reply reply) {
        assertNull(reply.error());
        return (Map<?, ?>) reply.result();
    }
}
