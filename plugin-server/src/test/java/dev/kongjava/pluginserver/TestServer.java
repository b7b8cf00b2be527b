package dev.kongjava.pluginserver;

import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.server.PluginServer;
import dev.kongjava.pluginserver.server.ServerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** A plugin server on a fresh temp socket for one test. */
public final class TestServer implements AutoCloseable {
    public final Path dir;
    public final PluginServer server;

    private TestServer(Path dir, PluginServer server) {
        this.dir = dir;
        this.server = server;
    }

    public static TestServer start(PluginDefinition<?>... plugins) throws IOException {
        return start(o -> o, plugins);
    }

    public static TestServer start(UnaryOperator<ServerOptions.Builder> options, PluginDefinition<?>... plugins)
            throws IOException {
        Path dir = Files.createTempDirectory("kps");
        PluginServer server = PluginServer.start(options.apply(ServerOptions.builder(dir.resolve("probe.socket"))).build(),
                plugins);
        return new TestServer(dir, server);
    }

    public Path socket() {
        return server.socketPath();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
