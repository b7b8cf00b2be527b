package dev.kongjava.pluginserver.pdk;

import org.jspecify.annotations.Nullable;

/** {@code kong.ctx.shared.*}: values shared by all plugins (and phases) of one request. */
public final class Ctx {
    private final Bridge bridge;

    Ctx(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.ctx.shared.get}: the value stored under {@code key}, or null. */
    public @Nullable Object get(String key) {
        return bridge.call("kong.ctx.shared.get", key);
    }

    /** {@code kong.ctx.shared.get} of a text value (a str, or bytes decoded as UTF-8); null when absent. */
    public @Nullable String getString(String key) {
        return Values.text(bridge.call("kong.ctx.shared.get", key));
    }

    /** {@code kong.ctx.shared.set}: stores a MessagePack-encodable value. */
    public void set(String key, Object value) {
        bridge.call("kong.ctx.shared.set", key, value);
    }
}
