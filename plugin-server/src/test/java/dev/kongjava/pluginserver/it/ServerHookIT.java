package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ServerFlag;
import dev.kongjava.pluginserver.server.PluginServer;
import dev.kongjava.pluginserver.server.ServerOptions;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A plugin's server start hook: runs before the socket exists, sees the flags, is closed at shutdown. */
class ServerHookIT {
    private static PluginDefinition<?> withHook(List<String> log, boolean fail) {
        return PluginDefinition.builder("hooked")
                .priority(1)
                .flag(new ServerFlag("color", "name", "a flag for the hook"))
                .onServerStart(flags -> {
                    if (fail) {
                        throw new IllegalArgumentException("--color is required");
                    }
                    log.add("started with " + flags);
                    return () -> log.add("closed");
                })
                .handler(ProbePlugin.class, ctx -> null)
                .build();
    }

    @Test
    void theHookSeesTheFlagsAndItsResourceIsClosedWhenTheServerStops() throws Exception {
        List<String> log = new ArrayList<>();
        Path dir = Files.createTempDirectory("hook");
        PluginServer server = PluginServer.start(
                ServerOptions.builder(dir.resolve("h.socket"))
                        .flags(Map.of("color", "blue"))
                        .build(),
                withHook(log, false));
        assertEquals(List.of("started with {color=blue}"), log);
        server.close();
        assertEquals(List.of("started with {color=blue}", "closed"), log);
        Files.delete(dir);
    }

    @Test
    void aFailingHookStopsTheServerBeforeTheSocketExists() throws Exception {
        Path dir = Files.createTempDirectory("hook");
        Path socket = dir.resolve("h.socket");
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> PluginServer.start(ServerOptions.defaults(socket), withHook(new ArrayList<>(), true)));
        assertEquals("plugin hooked cannot start: --color is required", e.getMessage());
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        Files.delete(dir);
    }
}
