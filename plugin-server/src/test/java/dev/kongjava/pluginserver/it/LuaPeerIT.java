package dev.kongjava.pluginserver.it;

import static dev.kongjava.pluginserver.it.LuaPeerHarness.config;
import static dev.kongjava.pluginserver.it.LuaPeerHarness.route;
import static dev.kongjava.pluginserver.it.LuaPeerHarness.stat;
import static dev.kongjava.pluginserver.it.LuaPeerHarness.text;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.Prerequisites;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP request → nginx/Lua peer (Kong 3.9's side of the protocol) → Unix socket → the probe plugin in
 * a separate server process → {@code kong.response.exit} → HTTP response, checked exactly. One server
 * and one peer serve every test; each behaviour has its own route, so its own plugin instance.
 */
class LuaPeerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = config(
            route("/echo", "00000000-0000-4000-8000-000000000001", "probe", "{\"mode\":\"echo\"}"),
            route("/header", "00000000-0000-4000-8000-000000000002", "probe", "{\"mode\":\"header\"}"),
            route("/headers", "00000000-0000-4000-8000-000000000003", "probe", "{\"mode\":\"headers\"}"),
            route("/query", "00000000-0000-4000-8000-000000000004", "probe", "{\"mode\":\"query\"}"),
            route("/body", "00000000-0000-4000-8000-000000000005", "probe", "{\"mode\":\"body\"}"),
            route("/throw", "00000000-0000-4000-8000-000000000006", "probe", "{\"mode\":\"throw\"}"),
            route("/rpc", "00000000-0000-4000-8000-000000000007", "probe", "{\"mode\":\"echo\"}"),
            route("/raw-body", "00000000-0000-4000-8000-000000000008", "raw-body", "{}"));
    /** 100 KB: far above nginx's client_body_buffer_size (8k, Kong's default), so nginx spools it to a file. */
    private static final int SPOOLED_BODY_SIZE = 100 * 1024;

    private static LuaPeerHarness rig;

    @BeforeAll
    static void startServersAndPeer() throws Exception {
        Prerequisites.requireLuaPeer();
        rig = LuaPeerHarness.create();
        try {
            rig.startProbeServer();
            Path rawSocket = rig.probeSocket().resolveSibling("raw-body.socket");
            rig.startServer(LuaPeerRawBodyPlugin.class, rawSocket);
            rig.startPeer(rig.peerFor(CONFIG)
                    .addPluginServer("raw-body", rawSocket, JavaProcess.command(LuaPeerRawBodyPlugin.class, "--dump")));
        } catch (Exception | Error e) {
            rig.close();
            rig = null;
            throw e;
        }
    }

    @AfterAll
    static void stopServersAndPeer() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void echoAnswersWithTheMethodPathAndBodyOfTheHttpRequest() {
        HttpResponse<byte[]> r = rig.post("/echo/orders?x=1", "hello kong".getBytes(UTF_8));

        assertEquals(200, r.statusCode());
        assertEquals("POST /echo/orders hello kong", text(r));
        assertEquals(Optional.of("text/plain"), r.headers().firstValue("Content-Type"));
        assertEquals(Optional.of("28"), r.headers().firstValue("Content-Length"));
        assertKongExitHeaders(r);
    }

    @Test
    void anAbsentHeaderReachesThePluginAsNil() {
        HttpResponse<byte[]> absent = rig.get("/header");
        assertEquals(200, absent.statusCode());
        assertEquals("<nil>", text(absent)); // the Step carried no Data key and getHeader returned null
        // Kong's proxy location has default_type '': an exit without Content-Type sends none
        assertEquals(Optional.empty(), absent.headers().firstValue("Content-Type"));
        assertKongExitHeaders(absent);

        HttpResponse<byte[]> present = rig.get("/header", "X-Probe", "v1");
        assertEquals(200, present.statusCode());
        assertEquals("v1", text(present));
    }

    @Test
    void repeatedRequestHeadersReachThePluginWithEveryValueInOrder() throws Exception {
        HttpResponse<byte[]> r =
                rig.get("/headers", "User-Agent", "kpeer-it", "X-Multi", "a", "X-Multi", "b", "X-Single", "one");

        assertEquals(200, r.statusCode());
        assertEquals(Optional.of("application/json; charset=utf-8"), r.headers().firstValue("Content-Type"));
        assertEquals(
                Map.of(
                        "host", List.of("127.0.0.1:" + rig.peer().port()),
                        "user-agent", List.of("kpeer-it"),
                        "x-multi", List.of("a", "b"),
                        "x-single", List.of("one")),
                JSON.readValue(r.body(), Map.class));
    }

    @Test
    void queryArgumentsKeepRepeatsEmptyValuesAndBareFlags() throws Exception {
        HttpResponse<byte[]> r = rig.get("/query?a=1&a=2&flag&e=&sp=x%20y");

        assertEquals(200, r.statusCode());
        // ?flag reaches the plugin as an empty list; Kong JSON-encodes the exit body from a Lua table,
        // and an empty Lua table is written as {} (an empty string value would have been [""], like e)
        assertEquals(
                Map.of(
                        "a", List.of("1", "2"),
                        "e", List.of(""),
                        "flag", Map.of(),
                        "sp", List.of("x y")),
                JSON.readValue(r.body(), Map.class));
    }

    @Test
    void aBinaryBodyWithEveryByteValueComesBackByteIdentical() {
        byte[] body = new byte[24 * 256]; // 6 KB: still inside nginx's 8k client body buffer
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }

        HttpResponse<byte[]> r = rig.post("/body", body);

        assertEquals(200, r.statusCode());
        assertArrayEquals(body, r.body());
        assertEquals(Optional.of("6144"), r.headers().firstValue("X-Length"));
        assertEquals(Optional.of("6144"), r.headers().firstValue("Content-Length"));
        assertEquals(Optional.empty(), r.headers().firstValue("Content-Type"));
    }

    @Test
    void aBodyLargerThanTheClientBufferComesBackWholeBecauseGetRawBodySendsArgsZero() {
        byte[] body = pattern(SPOOLED_BODY_SIZE);

        HttpResponse<byte[]> r = rig.post("/body", body);

        assertEquals(200, r.statusCode());
        assertArrayEquals(body, r.body());
        assertEquals(Optional.of(String.valueOf(SPOOLED_BODY_SIZE)), r.headers().firstValue("X-Length"));
        assertFalse(
                rig.peer()
                        .errorLogLines("a client request body is buffered to a temporary file")
                        .isEmpty(),
                "nginx must have spooled the body, or this test proves nothing");
    }

    /**
     * Documents why {@code Request.getRawBody()} always sends {@code Args [0]}: without
     * {@code max_allowed_file_size}, Kong 3.x's {@code get_raw_body} returns nil for a spooled body,
     * {@code fix_raw} packs nil as bin and lua-MessagePack raises; the handler aborts before any Step
     * and the client gets Kong's 500 (Kong/kong#13211). Bodies inside the buffer are unaffected.
     */
    @Test
    void withoutTheSizeArgumentASpooledBodyCrashesKongAndTheClientGets500() {
        long abortsBefore = stat(rig.peer().stats(), "handler_aborts");
        HttpResponse<byte[]> small = rig.post("/raw-body", "in memory".getBytes(UTF_8));
        assertEquals(200, small.statusCode());
        assertEquals("in memory", text(small));

        HttpResponse<byte[]> big = rig.post("/raw-body", pattern(SPOOLED_BODY_SIZE));

        assertEquals(500, big.statusCode());
        assertEquals("{\"message\":\"An unexpected error occurred\"}", text(big));
        assertEquals(
                Optional.of("application/json; charset=utf-8"), big.headers().firstValue("Content-Type"));
        assertEquals(abortsBefore + 1, stat(rig.peer().stats(), "handler_aborts"));
        assertFalse(
                rig.peer()
                        .errorLogLines("attempt to get length of local 'str' (a nil value)")
                        .isEmpty(),
                rig.peer().errorLog());
    }

    @Test
    void aPluginExceptionFailsClosedWithKongs500() {
        HttpResponse<byte[]> r = rig.get("/throw");

        assertEquals(500, r.statusCode());
        // the server answers the exception with kong.response.error(500): Kong's error template,
        // which in 3.x carries the request id, not a handler abort (that would be the compact body)
        String requestId = r.headers().firstValue("X-Kong-Request-Id").orElseThrow();
        assertEquals(
                "{\n  \"message\":\"An unexpected error occurred\",\n  \"request_id\":\"" + requestId + "\"\n}",
                text(r));
        assertEquals(Optional.of("application/json; charset=utf-8"), r.headers().firstValue("Content-Type"));
        assertEquals(Optional.of("1"), r.headers().firstValue("X-Kpeer-Pdk-Calls")); // only kong.response.error
    }

    /**
     * Round trips per request are the cost model of an external plugin: echo makes three PDK calls
     * and exits, so access takes HandleEvent + 3 Steps (the terminal exit needs no reply), and the
     * log phase HandleEvent + 1 Step (kong.log.info). Kong's JS plugin server needs about 5.
     */
    @Test
    void echoCostsFourRpcsInAccessAndTwoInLogPerRequest() throws Exception {
        assertEquals(200, rig.post("/rpc", "warm".getBytes(UTF_8)).statusCode()); // StartInstance happens here
        rig.awaitQuiet();
        rig.peer().resetStats();
        int n = 20;
        for (int i = 0; i < n; i++) {
            HttpResponse<byte[]> r = rig.post("/rpc", ("r" + i).getBytes(UTF_8));
            assertEquals("POST /rpc r" + i, text(r));
            assertEquals(Optional.of("4"), r.headers().firstValue("X-Kpeer-Rpc-Calls"));
        }
        Map<String, Object> stats = rig.statsOnce("rpc_calls_log", 2L * n);

        assertEquals(4L * n, stat(stats, "rpc_calls_access"), stats.toString());
        assertEquals(2L * n, stat(stats, "rpc_calls_log"), stats.toString());
        assertEquals(2L * n, stat(stats, "rpc", "plugin.HandleEvent"), stats.toString());
        assertEquals(4L * n, stat(stats, "rpc", "plugin.Step"), stats.toString());
        assertEquals(0, stat(stats, "rpc", "plugin.StartInstance"), stats.toString());
        assertEquals(4L * n, stat(stats, "pdk_calls_access"), stats.toString());
        assertEquals(6L * n, stat(stats, "rpc_calls"), stats.toString());
    }

    private static void assertKongExitHeaders(HttpResponse<byte[]> r) {
        assertEquals(Optional.of("kong/3.9.3"), r.headers().firstValue("Server"));
        String headers = r.headers().toString();
        assertTrue(r.headers().firstValue("X-Kong-Request-Id").orElse("").matches("[0-9a-f]{32}"), headers);
        assertTrue(r.headers().firstValue("X-Kong-Response-Latency").orElse("").matches("\\d+"), headers);
    }

    /** Every byte value, in a sequence that does not repeat at power-of-two offsets. */
    private static byte[] pattern(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) (i * 31 + i / 251);
        }
        return body;
    }
}
