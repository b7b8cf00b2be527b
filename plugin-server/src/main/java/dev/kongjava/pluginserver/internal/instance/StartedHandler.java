package dev.kongjava.pluginserver.internal.instance;

import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import java.util.List;
import java.util.Map;

/**
 * A handler as StartInstance makes it: what the plugin's factory returned, and the calls it reads
 * ahead per phase (often none). Made the same way for the server's instances and for
 * {@code LocalInstance}.
 */
public record StartedHandler(Object handler, Map<Phase, List<PdkCall>> readAhead) {
    /**
     * Calls the definition's factory with {@code context} and records the handler's read-ahead; a
     * read-ahead that is not one (a bug in the plugin) closes the handler and fails the start.
     *
     * @throws Exception whatever the factory throws
     */
    public static <C> StartedHandler make(PluginDefinition<C> definition, StartContext<C> context) throws Exception {
        Object handler = ApiAccess.factory(definition).create(context);
        try {
            return new StartedHandler(handler, PdkCall.recordReadAhead(handler, definition.phases()));
        } catch (RuntimeException e) {
            if (handler instanceof AutoCloseable closeable) {
                closeable.close();
            }
            throw e;
        }
    }
}
