package dev.kongjava.pluginserver.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.AccessPhase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.KongConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What PluginHarness and TestServer promise a plugin author: options applied, logs readable, nothing left behind. */
class PluginHarnessIT {
    /** Logs at two levels around a serialize call (which writes no line), then sleeps if the path says so. */
    static final class LoggingPlugin implements AccessPhase {
        static final PluginDefinition<?> DEFINITION = PluginDefinition.builder("logging")
                .priority(10)
                .handler(LoggingPlugin.class, ctx -> new LoggingPlugin())
                .build();

        @Override
        public void access(Kong kong) throws InterruptedException {
            kong.log().warn("slow upstream: ", 250, " ms");
            kong.log().serialize();
            kong.log().info("tagged ", null);
            if (kong.request().getPath().equals("/sleep")) {
                Thread.sleep(600_000);
            }
        }
    }

    @Test
    void kongLogListsEachLevelCallAsTheLineKongWouldWriteAndSkipsSerialize() throws Exception {
        try (PluginHarness harness = PluginHarness.start(LoggingPlugin.DEFINITION)) {
            Exchange ex = harness.plugin("logging", "{}").access(CannedRequest.get("/"));
            assertEquals(
                    List.of("kong.log.warn", "kong.log.serialize", "kong.log.info", "kong.request.get_path"),
                    ex.methods());
            assertEquals(List.of("warn slow upstream: 250 ms", "info tagged nil"), PluginHarness.kongLog(ex));
        }
    }

    @Test
    void serverOptionsReachTheServerItStarts() throws Exception {
        try (PluginHarness harness =
                PluginHarness.start(o -> o.eventTimeout(Duration.ofMillis(200)), LoggingPlugin.DEFINITION)) {
            Exchange ex = harness.plugin("logging", "{}").access(CannedRequest.get("/sleep"));
            assertEquals("kong.response.error", ex.exitMethod(), "the 200 ms event timeout ended the sleeping event");
            assertEquals(500, ex.exitStatus());
        }
    }

    @Test
    void closeStopsTheServerAndDeletesItsDirectoryWithWhatATestPutThere() throws Exception {
        PluginHarness harness = PluginHarness.start(LoggingPlugin.DEFINITION);
        Path directory = harness.server().directory();
        Path socket = harness.server().socket();
        assertEquals(directory.resolve(TestServer.SOCKET_NAME), socket);
        Files.writeString(directory.resolve("release"), "x");
        harness.close();
        assertFalse(Files.exists(directory));
        assertThrows(IOException.class, () -> new KongConnection(socket).close());
    }
}
