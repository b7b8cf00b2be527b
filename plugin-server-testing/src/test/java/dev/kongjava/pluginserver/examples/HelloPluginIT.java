package dev.kongjava.pluginserver.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kongjava.pluginserver.testing.PluginHarness;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PDK guide's example plugin (docs/pdk-guide.md), tested the way the guide shows: PluginHarness runs it on a real
 * socket with FakeKong in front. The guide's snippet is the region between the readme markers.
 */
class HelloPluginIT {
    @Test
    void greetsTheCallerNamedInTheHeaderAndAStrangerOtherwise() throws Exception {
        // readme:hello-test start
        try (PluginHarness harness = PluginHarness.start(HelloPlugin.DEFINITION)) {
            var hello = harness.plugin("hello", "{\"greeting\":\"Hi\"}");
            Exchange named = hello.access(CannedRequest.get("/").header("X-Name", "Ada"));
            assertEquals(200, named.exitStatus());
            assertEquals("Hi, Ada!", named.exitBodyText());
            assertEquals(List.of("kong.request.get_header", "kong.response.exit"), named.methods());
            assertEquals("Hi, stranger!", hello.access(CannedRequest.get("/")).exitBodyText());
        }
        // readme:hello-test end
    }
}
