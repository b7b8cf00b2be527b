package dev.kongjava.examples.tagger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.TestServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both plugins in a server inside the test JVM, driven by FakeKong over a real Unix socket: each
 * test runs Kong's phases for one request, and what the plugins asked Kong to do is checked exactly.
 * A {@link CannedRequest} keeps its {@code kong.ctx.shared} across phases and plugins, as Kong does.
 */
class RequestTaggerIT {
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    private TestServer server;
    private FakeKong kong;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(RequestTagger.DEFINITION, TagEcho.DEFINITION);
        kong = FakeKong.connect(server.socket());
    }

    @AfterEach
    void stop() throws Exception {
        kong.close();
        server.close();
    }

    @Test
    void aPlainClientTagGoesUpstreamUnderTheConfiguredHeaderAndIntoKongCtxShared() {
        Exchange access = kong.plugin("request-tagger", "{\"header\":\"x-correlation-id\"}")
                .access(CannedRequest.get("/orders").header("X-Correlation-Id", "order-42.a_b"));

        assertTrue(access.returned()); // the request goes on to the upstream service
        assertEquals(List.of(
                new Exchange.Call("kong.request.get_header", List.of("x-correlation-id")),
                new Exchange.Call("kong.service.request.set_header", List.of("x-correlation-id", "order-42.a_b")),
                new Exchange.Call("kong.ctx.shared.set", List.of("request_tag", "order-42.a_b"))), access.calls());
        assertEquals(5, access.rpcCount(), "StartInstance, HandleEvent and one Step per PDK call");
    }

    @Test
    void aMissingOrNotPlainClientTagIsReplacedByANewRandomOne() {
        FakeKong.PluginConfig tagger = kong.plugin("request-tagger", "{}");
        String first = upstreamTag(tagger.access(CannedRequest.get("/")));
        String second = upstreamTag(tagger.access(CannedRequest.get("/")));
        String spaced = upstreamTag(tagger.access(CannedRequest.get("/").header("X-Request-Tag", "two words")));
        String tooLong = upstreamTag(tagger.access(CannedRequest.get("/").header("X-Request-Tag", "a".repeat(65))));

        for (String tag : List.of(first, second, spaced, tooLong)) {
            assertTrue(tag.matches(UUID), tag);
        }
        assertNotEquals(first, second);
        assertEquals("a".repeat(64), upstreamTag(tagger.access(CannedRequest.get("/").header("X-Request-Tag", "a".repeat(64)))));
    }

    @Test
    void theLogPhaseWritesTheTagRequestStatusAndLatencyToKongsLog() {
        FakeKong.PluginConfig tagger = kong.plugin("request-tagger", "{}");
        CannedRequest request = CannedRequest.get("/orders?id=1").header("X-Request-Tag", "t-1").responseStatus(404);
        tagger.access(request);

        Exchange log = tagger.run("log", request);

        assertTrue(log.returned());
        assertEquals(List.of("kong.ctx.shared.get", "kong.log.serialize", "kong.log.notice"), log.methods());
        assertEquals(List.of("tag ", "t-1", ": ", "GET", " ", "/orders?id=1", " -> ", 404L, " in ", 0L, " ms"),
                log.calls().get(2).args());
    }

    @Test
    void theLogLineOfARequestEndedBeforeTheTaggerRanHasNoTag() {
        Exchange log = kong.plugin("request-tagger", "{}").run("log", CannedRequest.get("/").responseStatus(401));

        assertEquals(List.of("tag ", "-", ": ", "GET", " ", "/", " -> ", 401L, " in ", 0L, " ms"), log.calls().get(2).args());
    }

    @Test
    void tagEchoAnswersWithTheTagRequestTaggerLeftInKongCtxShared() {
        CannedRequest request = CannedRequest.get("/").header("X-Request-Tag", "t-2");
        kong.plugin("request-tagger", "{}").access(request); // Kong runs plugins by priority: 1000, then 900

        Exchange echo = kong.plugin("tag-echo", "{}").access(request);

        assertEquals("kong.response.exit", echo.exitMethod());
        assertEquals(200, echo.exitStatus());
        assertEquals("{\"tag\":\"t-2\"}", echo.exitBodyText());
        assertEquals(Map.of("Content-Type", "application/json; charset=utf-8"), echo.exitHeaders());
    }

    @Test
    void tagEchoWithoutRequestTaggerBeforeItAnswers500NamingTheMissingPlugin() {
        Exchange echo = kong.plugin("tag-echo", "{}").access(CannedRequest.get("/"));

        assertEquals("kong.response.error", echo.exitMethod());
        assertEquals(500, echo.exitStatus());
        assertEquals("{\"message\":\"no request tag: request-tagger must run on this route before tag-echo\"}",
                echo.exitBodyText());
    }

    @Test
    void aHeaderSettingThatIsNoHeaderNameIsRefusedWhenTheInstanceStarts() {
        FakeKong.KongRpcException e = assertThrows(FakeKong.KongRpcException.class,
                () -> kong.startInstance("request-tagger", "{\"header\":\"x tag\"}"));

        assertEquals("Invalid value \"x tag\" for configuration header of plugin request-tagger: "
                + "must be a header name: letters, digits and '-'", e.getMessage());
    }

    /** The tag request-tagger set on the request to the upstream service. */
    private static String upstreamTag(Exchange access) {
        Exchange.Call setHeader = access.calls().get(1);
        assertEquals("kong.service.request.set_header", setHeader.method());
        return (String) setHeader.args().get(1);
    }
}
