package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.server.PluginServer;
import dev.kongjava.pluginserver.server.ServerOptions;
import dev.kongjava.testkit.FakeKong;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The kafka-upstream plugin server on a temp socket, with FakeKong connected to it. */
final class UpstreamServer implements AutoCloseable {
    final Path dir;
    final PluginServer server;
    final FakeKong kong;

    private UpstreamServer(Path dir, PluginServer server) {
        this.dir = dir;
        this.server = server;
        this.kong = FakeKong.connect(server.socketPath());
    }

    static UpstreamServer start() throws IOException {
        return start(Map.of());
    }

    /** @param flags plugin flags, e.g. kafka-ca-bundle */
    static UpstreamServer start(Map<String, String> flags) throws IOException {
        return start(flags, KafkaUpstreamPlugin.definition());
    }

    static UpstreamServer start(Map<String, String> flags, PluginDefinition<?> definition) throws IOException {
        Path dir = Files.createTempDirectory("kafka-upstream");
        ServerOptions options = ServerOptions.builder(dir.resolve("kafka-upstream.socket"))
                .flags(flags)
                .build();
        return new UpstreamServer(dir, PluginServer.start(options, definition));
    }

    @Override
    public void close() throws IOException {
        kong.close();
        server.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
