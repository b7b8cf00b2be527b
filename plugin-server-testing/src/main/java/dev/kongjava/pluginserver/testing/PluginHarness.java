package dev.kongjava.pluginserver.testing;

import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.server.ServerOptions;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A plugin under test and Kong in front of it, in one object: a {@link TestServer} hosting the
 * plugins and a {@link FakeKong} connected to it over the real Unix socket, speaking Kong's side
 * of the protocol (pooled connections, StartInstance with Kong's config JSON, the HandleEvent/Step
 * loop answering PDK calls from a {@link dev.kongjava.testkit.CannedRequest}).
 *
 * <pre>{@code
 * try (PluginHarness harness = PluginHarness.start(MyPlugin.DEFINITION)) {
 *     Exchange ex = harness.plugin("my-plugin", "{\"greeting\":\"Hi\"}")
 *             .access(CannedRequest.get("/").header("X-Name", "Ada"));
 *     assertEquals(200, ex.exitStatus());
 *     assertEquals(List.of("kong.request.get_header", "kong.response.exit"), ex.methods());
 * }
 * }</pre>
 *
 * <p>Each {@link Exchange} holds what one event did as Kong saw it: the PDK calls in order with
 * their arguments (including {@code kong.log.*}, see {@link #kongLog(Exchange)}), and how it ended
 * (exit status, headers and body, {@code "ret"}, an error). The server's own log lines go to
 * stderr, as under Kong.
 */
public final class PluginHarness implements AutoCloseable {
    private static final String LOG_PREFIX = "kong.log.";
    /** Kong's log levels; kong.log.serialize and set_serialize_value write no line. */
    private static final Set<String> LEVELS = Set.of("alert", "crit", "err", "warn", "notice", "info", "debug");

    private final TestServer server;
    private final FakeKong kong;

    private PluginHarness(TestServer server) {
        this.server = server;
        this.kong = FakeKong.connect(server.socket());
    }

    /**
     * Starts a server hosting {@code plugins} with the default options, and Kong connected to it.
     *
     * @throws IOException if the server cannot start
     */
    public static PluginHarness start(PluginDefinition<?>... plugins) throws IOException {
        return new PluginHarness(TestServer.start(plugins));
    }

    /**
     * As {@link #start(PluginDefinition[])}, with server options changed from their defaults, e.g.
     * {@code o -> o.eventTimeout(Duration.ofMillis(200))}.
     *
     * @throws IOException if the server cannot start
     */
    public static PluginHarness start(UnaryOperator<ServerOptions.Builder> options, PluginDefinition<?>... plugins)
            throws IOException {
        return new PluginHarness(TestServer.start(options, plugins));
    }

    /**
     * The plugin {@code name} configured with {@code configJson} (its {@code config} as Kong sends
     * it, field names in snake_case) on some route: Kong starts the instance on the first event and
     * again after "no plugin instance", as it does in each worker.
     */
    public FakeKong.PluginConfig plugin(String name, String configJson) {
        return kong.plugin(name, configJson);
    }

    /** Kong's side, for what {@link #plugin} does not cover: raw RPCs, other phases, Kong 2.x behaviour. */
    public FakeKong kong() {
        return kong;
    }

    /** The server, e.g. for its socket or {@code server().status()}. */
    public TestServer server() {
        return server;
    }

    /**
     * The {@code kong.log.<level>} calls of {@code exchange} as the lines Kong would write: the level,
     * then the arguments joined without separators as Kong's logger joins them, e.g.
     * {@code kong.log.info("greeted ", 3)} is {@code "info greeted 3"}.
     */
    public static List<String> kongLog(Exchange exchange) {
        return exchange.calls().stream()
                .filter(call -> call.method().startsWith(LOG_PREFIX)
                        && LEVELS.contains(call.method().substring(LOG_PREFIX.length())))
                .map(call -> call.method().substring(LOG_PREFIX.length()) + " " + joined(call.args()))
                .toList();
    }

    private static String joined(List<Object> args) {
        StringBuilder line = new StringBuilder();
        for (Object arg : args) {
            line.append(arg == null ? "nil" : arg);
        }
        return line.toString();
    }

    /** Disconnects Kong, then stops the server and deletes its directory. */
    @Override
    public void close() throws IOException {
        try {
            kong.close();
        } finally {
            server.close();
        }
    }
}
