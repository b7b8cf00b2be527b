package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.KongConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every RPC method Kong (and tooling) calls, over a real socket with real MessagePack. */
class RpcMethodsIT {
    private TestServer server;
    private FakeKong kong;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(ProbePlugin.DEFINITION);
        kong = FakeKong.connect(server.socket());
    }

    @AfterEach
    void stop() throws Exception {
        kong.close();
        server.close();
    }

    @Test
    void startInstanceAnswersNameIdConfigAndStartTime() {
        KongConnection.Reply reply = kong.call(
                "plugin.StartInstance",
                Map.of("Name", "probe", "Config", "{\"mode\":\"ret\",\"secret\":\"hunter2\",\"__seq__\":3}"));
        assertNull(reply.error());
        Map<?, ?> result = (Map<?, ?>) reply.result();
        assertEquals("probe", result.get("Name"));
        assertInstanceOf(Long.class, result.get("Id"));
        Map<String, Object> config =
                new HashMap<>(Map.of("mode", "ret", "calls", 1L, "sleep_ms", 0L, "secret", "[hidden]"));
        config.put("release_file", null); // optional and unset
        assertEquals(config, result.get("Config"));
        double startTime = (Double) result.get("StartTime");
        assertTrue(Math.abs(startTime - System.currentTimeMillis() / 1000.0) < 60, "epoch seconds: " + startTime);
    }

    @Test
    void startInstanceWithAnInvalidConfigNamesFieldValueAndRule() {
        KongConnection.Reply reply =
                kong.call("plugin.StartInstance", Map.of("Name", "probe", "Config", "{\"mode\":\"fly\"}"));
        assertEquals(
                "Invalid value \"fly\" for configuration mode of plugin probe: expected one of: echo, ret, "
                        + "throw, sleep, after-exit, header, headers, query, body, calls, error, json, wait",
                reply.error());
    }

    @Test
    void startInstanceOfAPluginThisServerDoesNotHaveNamesWhatItHas() {
        KongConnection.Reply reply = kong.call("plugin.StartInstance", Map.of("Name", "nope", "Config", "{}"));
        assertEquals("no plugin named nope in this server; it has [probe]", reply.error());
    }

    @Test
    void closeInstanceAnswersTheInstanceAndLaterEventsGetNoPluginInstance() {
        int id = kong.startInstance("probe", "{\"mode\":\"ret\"}");
        KongConnection.Reply closed = kong.closeInstance(id);
        assertEquals("probe", ((Map<?, ?>) closed.result()).get("Name"));
        assertEquals((long) id, ((Map<?, ?>) closed.result()).get("Id"));
        Exchange ex = kong.event(id, "access", CannedRequest.get("/"));
        assertEquals("No plugin instance " + id, ex.rpcError());
        assertEquals("No plugin instance " + id, kong.closeInstance(id).error());
    }

    @Test
    void handleEventForAnUnknownInstanceAnswersNoPluginInstance() {
        assertEquals(
                "No plugin instance 123456",
                kong.event(123456, "access", CannedRequest.get("/")).rpcError());
    }

    @Test
    void handleEventForAPhaseThePluginDoesNotHaveIsANamedError() {
        int id = kong.startInstance("probe", "{}");
        assertEquals(
                "plugin probe does not handle event rewrite",
                kong.event(id, "rewrite", CannedRequest.get("/")).rpcError());
    }

    @Test
    void anAccessEventRunsThePluginAndEndsWithItsExit() {
        Exchange ex = kong.plugin("probe", "{\"mode\":\"echo\"}")
                .access(CannedRequest.post("/orders").body("hi"));
        assertEquals(
                List.of(
                        "kong.request.get_method",
                        "kong.request.get_path",
                        "kong.request.get_raw_body",
                        "kong.response.exit"),
                ex.methods());
        assertEquals(List.of(0L), ex.calls().get(2).args(), "get_raw_body is always called with Args [0]");
        assertEquals("kong.response.exit", ex.exitMethod());
        assertEquals(200, ex.exitStatus());
        assertEquals("POST /orders hi", ex.exitBodyText());
        assertEquals(Map.of("Content-Type", "text/plain"), ex.exitHeaders());
        assertEquals(5, ex.rpcCount(), "StartInstance, HandleEvent and three Steps");
    }

    @Test
    void aHandlerThatReturnsEndsTheEventWithRet() {
        Exchange ex = kong.plugin("probe", "{\"mode\":\"ret\"}").access(CannedRequest.get("/"));
        assertTrue(ex.returned());
        assertEquals(List.of(), ex.methods());
    }

    @Test
    void theLogPhaseRunsAndKongLogCallsCarryTheirArguments() {
        Exchange ex = kong.plugin("probe", "{}").run("log", CannedRequest.get("/"));
        assertTrue(ex.returned());
        assertEquals(List.of(new Exchange.Call("kong.log.info", List.of("logged ", 1L))), ex.calls());
    }

    @Test
    void aPdkCallReturningNilArrivesWithoutDataAndReadsAsNull() {
        FakeKong.PluginConfig plugin = kong.plugin("probe", "{\"mode\":\"header\"}");
        assertEquals("<nil>", plugin.access(CannedRequest.get("/")).exitBodyText());
        assertEquals(
                "v1",
                plugin.access(CannedRequest.get("/").header("X-Probe", "v1").header("x-probe", "v2"))
                        .exitBodyText());
    }

    @Test
    void headersArriveAsACaseInsensitiveMultimapViaStepMultiMap() {
        Exchange ex = kong.plugin("probe", "{\"mode\":\"headers\"}")
                .access(CannedRequest.get("/")
                        .header("Accept", "a")
                        .header("X-Multi", "1")
                        .header("x-multi", "2"));
        assertEquals("{\"accept\":[\"a\"],\"x-multi\":[\"1\",\"2\"]}", ex.exitBodyText());
    }

    @Test
    void queryArgsKeepRepeatsAndBareFlagsHaveNoValue() {
        Exchange ex = kong.plugin("probe", "{\"mode\":\"query\"}").access(CannedRequest.get("/?a=1&b=2&b=3&flag&e="));
        assertEquals("{\"a\":[\"1\"],\"b\":[\"2\",\"3\"],\"flag\":[],\"e\":[\"\"]}", ex.exitBodyText());
    }

    @Test
    void aBinaryBodyTravelsAsBinAndComesBackUnchanged() {
        byte[] body = new byte[70_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        Exchange ex = kong.plugin("probe", "{\"mode\":\"body\"}")
                .access(CannedRequest.post("/").body(body));
        assertArrayEquals(body, ex.exitBody());
        assertEquals(Map.of("X-Length", "70000"), ex.exitHeaders());
    }

    @Test
    void aMapBodyIsSentForKongToEncodeAsJsonWithListHeaders() {
        Exchange ex = kong.plugin("probe", "{\"mode\":\"json\"}").access(CannedRequest.get("/"));
        assertEquals(201, ex.exitStatus());
        assertEquals("{\"ok\":true}", ex.exitBodyText());
        assertEquals(List.of("a", "b"), ex.exitHeaders().get("X-Probe"));
    }

    @Test
    void onKong2AFailingPdkCallArrivesAsStepErrorAndThrowsPdkExceptionNamingTheMethod() {
        kong.kongVersion(2);
        Exchange ex = kong.plugin("probe", "{\"mode\":\"error\"}")
                .access(CannedRequest.post("/").body("x").spooledBody());
        assertEquals(500, ex.exitStatus());
        assertEquals(
                "kong.request.get_raw_body failed: request body did not fit into client body buffer, "
                        + "consider raising 'client_body_buffer_size'",
                ex.exitBodyText());
    }

    @Test
    void onKong3ABodyInATempFileIsReadBecauseArgsZeroIsSent() {
        Exchange ex = kong.plugin("probe", "{\"mode\":\"body\"}")
                .access(CannedRequest.post("/").body("big").spooledBody());
        assertEquals("big", ex.exitBodyText());
    }

    @Test
    void unknownMethodsGetANamedError() {
        assertEquals("unknown method plugin.Fly", kong.call("plugin.Fly").error());
    }

    @Test
    void aStepForAnEventThatIsNotRunningIsAnErrorNotACrash() {
        assertEquals(
                "no running event 99 (it ended or timed out)",
                kong.call("plugin.Step", Map.of("EventId", 99, "Data", "x")).error());
        assertEquals(
                "no running event 98 (it ended or timed out)",
                kong.call("plugin.StepError", Map.of("EventId", 98, "Data", "boom"))
                        .error());
        assertEquals(
                "no running event 97 (it ended or timed out)",
                kong.call("plugin.StepRoute", Map.of("EventId", 97)).error());
    }

    @Test
    void getPluginInfoGetStatusAndInstanceStatusServeTooling() {
        Map<?, ?> info = (Map<?, ?>) kong.call("plugin.GetPluginInfo", "probe").result();
        assertEquals("probe", info.get("Name"));
        assertEquals("1.2.3", info.get("Version"));
        assertEquals(1000L, info.get("Priority"));
        assertEquals(List.of("access", "log"), info.get("Phases"));
        assertEquals(
                "no plugin named x in this server; it has [probe]",
                kong.call("plugin.GetPluginInfo", "x").error());
        int id = kong.startInstance("probe", "{}");
        Map<?, ?> status = (Map<?, ?>) kong.call("plugin.GetStatus").result();
        assertEquals(ProcessHandle.current().pid(), status.get("Pid"));
        assertEquals(Map.of("probe", 1L), status.get("Instances"));
        assertEquals(0L, status.get("Events"));
        Map<?, ?> instance = (Map<?, ?>) kong.call("plugin.InstanceStatus", id).result();
        assertEquals((long) id, instance.get("Id"));
        assertEquals(
                "No plugin instance 5", kong.call("plugin.InstanceStatus", 5).error());
    }

    @Test
    void theServerAnnouncesItsPidOnEveryNewConnection() {
        kong.call("plugin.GetStatus");
        assertEquals(ProcessHandle.current().pid(), kong.serverPid());
    }
}
