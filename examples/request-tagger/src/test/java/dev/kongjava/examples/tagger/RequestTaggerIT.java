package dev.kongjava.examples.tagger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.testing.PluginHarness;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both plugins in a server inside the test JVM, driven by FakeKong over a real Unix socket
 * (PluginHarness): each test runs Kong's phases for one request, and what the plugins asked Kong to
 * do is checked exactly.
 * A {@link CannedRequest} keeps its {@code kong.ctx.shared} across phases and plugins, as Kong does.
 */
class RequestTaggerIT {
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    private PluginHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = PluginHarness.start(RequestTagger.DEFINITION, TagEcho.DEFINITION);
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    @Test
    void aPlainClientTagGoesUpstreamUnderTheConfiguredHeaderAndIntoKongCtxShared() {
        Exchange access = harness.plugin("request-tagger", "{\"header\":\"x-correlation-id\"}")
                .access(CannedRequest.get("/orders").header("X-Correlation-Id", "order-42.a_b"));

        assertTrue(access.returned()); // the request goes on to the upstream service
        assertEquals(
                List.of(
                        new Exchange.Call("kong.request.get_header", List.of("x-correlation-id")),
                        new Exchange.Call(
                                "kong.service.request.set_header", List.of("x-correlation-id", "order-42.a_b")),
                        new Exchange.Call("kong.ctx.shared.set", List.of("request_tag", "order-42.a_b"))),
                access.calls());
        assertEquals(5, access.rpcCount(), "StartInstance, HandleEvent and one Step per PDK call");
    }

    @Test
    void aMissingOrNotPlainClientTagIsReplacedByANewRandomOne() {
        FakeKong.PluginConfig tagger = harness.plugin("request-tagger", "{}");
        String first = upstreamTag(tagger.access(CannedRequest.get("/")));
        String second = upstreamTag(tagger.access(CannedRequest.get("/")));
        String spaced = upstreamTag(tagger.access(CannedRequest.get("/").header("X-Request-Tag", "two words")));
        String tooLong = upstreamTag(tagger.access(CannedRequest.get("/").header("X-Request-Tag", "a".repeat(65))));

        for (String tag : List.of(first, second, spaced, tooLong)) {
            assertTrue(tag.matches(UUID), tag);
        }
        assertNotEquals(first, second);
        assertEquals(
                "a".repeat(64),
                upstreamTag(tagger.access(CannedRequest.get("/").header("X-Request-Tag", "a".repeat(64)))));
    }

    @Test
    void theLogPhaseWritesTheTagRequestStatusAndLatencyToKongsLog() {
        FakeKong.PluginConfig tagger = harness.plugin("request-tagger", "{}");
        CannedRequest request =
                CannedRequest.get("/orders?id=1").header("X-Request-Tag", "t-1").responseStatus(404);
        tagger.access(request);

        Exchange log = tagger.run("log", request);

        assertTrue(log.returned());
        assertEquals(List.of("kong.ctx.shared.get", "kong.log.serialize", "kong.log.notice"), log.methods());
        assertEquals(List.of("notice tag t-1: GET /orders?id=1 -> 404 in 0 ms"), PluginHarness.kongLog(log));
    }

    @Test
    void theLogLineOfARequestEndedBeforeTheTaggerRanHasNoTag() {
        Exchange log = harness.plugin("request-tagger", "{}")
                .run("log", CannedRequest.get("/").responseStatus(401));

        assertEquals(List.of("notice tag -: GET / -> 401 in 0 ms"), PluginHarness.kongLog(log));
    }

    @Test
    void tagEchoAnswersWithTheTagRequestTaggerLeftInKongCtxShared() {
        CannedRequest request = CannedRequest.get("/").header("X-Request-Tag", "t-2");
        harness.plugin("request-tagger", "{}").access(request); // Kong runs plugins by priority: 1000, then 900

        Exchange echo = harness.plugin("tag-echo", "{}").access(request);

        assertEquals("kong.response.exit", echo.exitMethod());
        assertEquals(200, echo.exitStatus());
        assertEquals("{\"tag\":\"t-2\"}", echo.exitBodyText());
        assertEquals(Map.of("Content-Type", "application/json; charset=utf-8"), echo.exitHeaders());
    }

    @Test
    void tagEchoWithoutRequestTaggerBeforeItAnswers500NamingTheMissingPlugin() {
        Exchange echo = harness.plugin("tag-echo", "{}").access(CannedRequest.get("/"));

        assertEquals("kong.response.error", echo.exitMethod());
        assertEquals(500, echo.exitStatus());
        assertEquals(
                "{\"message\":\"no request tag: request-tagger must run on this route before tag-echo\"}",
                echo.exitBodyText());
    }

    @Test
    void aHeaderSettingThatIsNoHeaderNameIsRefusedWhenTheInstanceStarts() {
        FakeKong.KongRpcException e = assertThrows(
                FakeKong.KongRpcException.class,
                () -> harness.kong().startInstance("request-tagger", "{\"header\":\"x tag\"}"));

        assertEquals(
                "Invalid value \"x tag\" for configuration header of plugin request-tagger: "
                        + "must be a header name: letters, digits and '-'",
                e.getMessage());
    }

    /** The tag request-tagger set on the request to the upstream service. */
    private static String upstreamTag(Exchange access) {
        Exchange.Call setHeader = access.calls().get(1);
        assertEquals("kong.service.request.set_header", setHeader.method());
        return (String) setHeader.args().get(1);
    }
}
