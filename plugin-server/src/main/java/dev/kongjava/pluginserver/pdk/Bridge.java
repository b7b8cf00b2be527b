package dev.kongjava.pluginserver.pdk;

import org.jspecify.annotations.Nullable;

/**
 * The one seam every PDK call goes through: run the Kong function named {@code method} (its Lua
 * path, e.g. {@code "kong.request.get_header"}) with positional {@code args} and return Kong's first
 * return value. The server implements it per event; tests of plugin logic may implement it directly.
 */
@FunctionalInterface
public interface Bridge {
    /**
     * Blocks until Kong answers. For {@code kong.response.exit} and {@code kong.response.error} Kong
     * never answers: the call returns {@code null} at once and the event is over.
     *
     * @return Kong's value as decoded by the codec ({@code null} when Kong returned nil)
     * @throws PdkException when Kong reports an error or the event can no longer reach Kong
     */
    @Nullable
    Object call(String method, @Nullable Object... args);
}
