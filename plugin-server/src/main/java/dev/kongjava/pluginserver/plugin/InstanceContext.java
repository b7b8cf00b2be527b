package dev.kongjava.pluginserver.plugin;

import java.util.Optional;

/**
 * What a new plugin instance learns about itself: its id, its validated config, the server flags
 * and what the plugin started once for the whole server.
 *
 * @param <C> the plugin's config type
 */
public interface InstanceContext<C> {
    /** The id returned to Kong in {@code StartInstance}; never reused, also across restarts. */
    int instanceId();

    /** The plugin's name as declared in its {@link PluginDefinition}. */
    String pluginName();

    /** The {@code Config} Kong sent, validated against the plugin's schema, as the config type. */
    C config();

    /** Value of a {@link ServerFlag} the plugin declared, if it was given on the command line. */
    Optional<String> flag(String name);

    /**
     * What the plugin's {@link ServerHook} returned at server start (shared by every instance),
     * e.g. a connection pool or a metrics registry.
     *
     * @throws IllegalStateException when the plugin has no hook or its resource is not a {@code type}
     */
    <T> T service(Class<T> type);
}
