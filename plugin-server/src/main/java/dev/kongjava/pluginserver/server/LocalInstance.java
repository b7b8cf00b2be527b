package dev.kongjava.pluginserver.server;

import dev.kongjava.pluginserver.internal.instance.ApiAccess;
import dev.kongjava.pluginserver.internal.instance.Phases;
import dev.kongjava.pluginserver.internal.instance.StartContext;
import dev.kongjava.pluginserver.internal.instance.StartedHandler;
import dev.kongjava.pluginserver.pdk.Bridge;
import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One instance of a plugin in the test's own thread, without Kong or a socket: made from its
 * definition and a {@code Config} JSON as {@code plugin.StartInstance} makes it (the config
 * validated, the factory called, the read-ahead recorded), and run phase by phase over a
 * {@link Bridge} the test answers. For unit tests of a plugin's wiring; a test of the protocol
 * itself talks to a running {@link PluginServer}.
 *
 * <pre>{@code
 * try (LocalInstance<HelloConfig> hello = LocalInstance.start(HelloPlugin.DEFINITION, "{\"greeting\":\"Hi\"}")) {
 *     hello.run(Phase.ACCESS, (method, args) -> method.equals("kong.request.get_header") ? "Ann" : null);
 * }
 * }</pre>
 *
 * @param <C> the plugin's config type
 */
// "try": close() may throw InterruptedException, as a handler's close may be interrupted (CloseInstance's is).
@SuppressWarnings("try")
public final class LocalInstance<C> implements AutoCloseable {
    private final PluginDefinition<C> definition;
    private final C config;
    private final Object handler;

    private LocalInstance(PluginDefinition<C> definition, C config, Object handler) {
        this.definition = definition;
        this.config = config;
        this.handler = handler;
    }

    /**
     * An instance of {@code definition} with {@code configJson}; its id is 1, it has no server flags,
     * and {@link dev.kongjava.pluginserver.plugin.InstanceContext#service} finds nothing (no server
     * hook ran).
     *
     * @throws dev.kongjava.pluginserver.schema.ConfigException for a config StartInstance refuses
     * @throws Exception whatever the plugin's factory throws
     */
    public static <C> LocalInstance<C> start(PluginDefinition<C> definition, String configJson) throws Exception {
        return start(definition, configJson, null);
    }

    /**
     * As {@link #start(PluginDefinition, String)}, with {@code service} standing for what the plugin's
     * server hook would have made: {@link dev.kongjava.pluginserver.plugin.InstanceContext#service}
     * finds it. The test owns it and closes it.
     */
    public static <C> LocalInstance<C> start(
            PluginDefinition<C> definition, String configJson, @Nullable Object service) throws Exception {
        C config = ApiAccess.bind(
                definition.schema(), ApiAccess.parse(definition.schema(), definition.name(), configJson));
        Object handler = StartedHandler.make(
                        definition, new StartContext<>(1, definition.name(), config, Map.of(), service))
                .handler();
        return new LocalInstance<>(definition, config, handler);
    }

    /** The validated config, as the factory received it. */
    public C config() {
        return config;
    }

    /** What the plugin's factory made. */
    public Object handler() {
        return handler;
    }

    /**
     * Runs the handler of {@code phase}, as {@code plugin.HandleEvent} does, with its PDK calls going
     * to {@code kong}; the handler's exception is thrown here (the server would log it and end the
     * event).
     *
     * @throws IllegalArgumentException when the plugin has no handler for {@code phase}
     */
    public void run(Phase phase, Bridge kong) throws Exception {
        if (!definition.phases().contains(phase)) {
            throw new IllegalArgumentException(
                    "plugin " + definition.name() + " does not handle event " + phase.wireName());
        }
        Phases.run(phase, handler, Kong.over(kong));
    }

    /** Closes the handler when it is {@link AutoCloseable}, as CloseInstance does, and waits for it. */
    @Override
    public void close() throws Exception {
        if (handler instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
