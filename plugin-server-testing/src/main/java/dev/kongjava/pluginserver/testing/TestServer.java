package dev.kongjava.pluginserver.testing;

import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.server.PluginServer;
import dev.kongjava.pluginserver.server.ServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A plugin server for one test, in this JVM, listening on a Unix socket in a fresh temporary
 * directory: what Kong's {@code pluginserver_<name>_socket} would point at. Connect
 * {@link dev.kongjava.testkit.FakeKong} to {@link #socket()}, or use {@link PluginHarness}, which
 * does both.
 *
 * <pre>{@code
 * try (TestServer server = TestServer.start(MyPlugin.DEFINITION);
 *         FakeKong kong = FakeKong.connect(server.socket())) {
 *     Exchange ex = kong.plugin("my-plugin", "{}").access(CannedRequest.get("/"));
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the server (closing every plugin instance) and deletes the directory.
 */
public final class TestServer implements AutoCloseable {
    /** The socket's file name inside {@link #directory()}. */
    public static final String SOCKET_NAME = "plugin.socket";

    private final Path directory;
    private final PluginServer server;

    private TestServer(Path directory, PluginServer server) {
        this.directory = directory;
        this.server = server;
    }

    /**
     * Starts a server hosting {@code plugins} with the default {@link ServerOptions}.
     *
     * @throws IOException if the directory cannot be created or the socket not bound
     */
    public static TestServer start(PluginDefinition<?>... plugins) throws IOException {
        return start(UnaryOperator.identity(), plugins);
    }

    /**
     * Starts a server hosting {@code plugins}, with options changed from their defaults by
     * {@code options}, for example {@code o -> o.eventTimeout(Duration.ofMillis(200))}; as
     * {@code --event-timeout=200ms} would on the command line.
     *
     * @throws IOException if the directory cannot be created or the socket not bound
     */
    public static TestServer start(UnaryOperator<ServerOptions.Builder> options, PluginDefinition<?>... plugins)
            throws IOException {
        Path directory = Files.createTempDirectory("kps");
        try {
            ServerOptions settings = options.apply(ServerOptions.builder(directory.resolve(SOCKET_NAME)))
                    .build();
            return new TestServer(directory, PluginServer.start(settings, plugins));
        } catch (IOException | RuntimeException e) {
            deleteTree(directory);
            throw e;
        }
    }

    /** The Unix socket the server listens on. */
    public Path socket() {
        return server.socketPath();
    }

    /** The running server, e.g. for {@link PluginServer#status()} (instances, events, connections). */
    public PluginServer server() {
        return server;
    }

    /** The temporary directory holding the socket; deleted, with anything a test put there, on close. */
    public Path directory() {
        return directory;
    }

    /** Stops the server, then deletes {@link #directory()}. */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            deleteTree(directory);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
