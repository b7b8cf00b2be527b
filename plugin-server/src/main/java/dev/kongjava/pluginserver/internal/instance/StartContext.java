package dev.kongjava.pluginserver.internal.instance;

import dev.kongjava.pluginserver.plugin.InstanceContext;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a plugin's factory learns about the instance it makes.
 *
 * @param resource what the plugin's server hook returned, or null
 */
public record StartContext<C>(
        int instanceId,
        String pluginName,
        C config,
        Map<String, String> flags,
        @Nullable Object resource) implements InstanceContext<C> {
    @Override
    public Optional<String> flag(String name) {
        return Optional.ofNullable(flags.get(name));
    }

    @Override
    public <T> T service(Class<T> type) {
        if (!type.isInstance(resource)) {
            throw new IllegalStateException("plugin " + pluginName + " has no server service of type " + type.getName()
                    + (resource == null ? " (its server hook returned none)" : ""));
        }
        return type.cast(resource);
    }
}
