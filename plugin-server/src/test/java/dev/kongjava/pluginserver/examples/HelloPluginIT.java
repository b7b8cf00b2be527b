package dev.kongjava.pluginserver.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kongjava.pluginserver.TestServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import org.junit.jupiter.api.Test;

/** The PDK guide's example plugin, tested the way the guide shows (docs/pdk-guide.md): with FakeKong over a real socket. */
class HelloPluginIT {
    @Test
    void greetsTheCallerNamedInTheHeaderAndAStrangerOtherwise() throws Exception {
        // readme:hello-test start
        try (TestServer server = TestServer.start(HelloPlugin.DEFINITION);
                FakeKong kong = FakeKong.connect(server.socket())) {
            FakeKong.PluginConfig hello = kong.plugin("hello", "{\"greeting\":\"Hi\"}");
            Exchange named = hello.access(CannedRequest.get("/").header("X-Name", "Ada"));
            assertEquals(200, named.exitStatus());
            assertEquals("Hi, Ada!", named.exitBodyText());
            assertEquals("Hi, stranger!", hello.access(CannedRequest.get("/")).exitBodyText());
        }
        // readme:hello-test end
    }
}
