package dev.kongjava.pluginserver.plugin;

/**
 * Creates the handler for one plugin instance from its validated configuration; called on
 * {@code plugin.StartInstance}. A handler that is {@link AutoCloseable} is closed when the instance
 * is closed by Kong, expires while idle, or the server shuts down.
 *
 * @param <C> the plugin's config type
 * @param <H> handler type, implementing one or more phase interfaces such as {@link AccessPhase}
 */
@FunctionalInterface
public interface InstanceFactory<C, H> {
    /** An exception here fails {@code StartInstance}; its message is returned to Kong. */
    H create(InstanceContext<C> context) throws Exception;
}
