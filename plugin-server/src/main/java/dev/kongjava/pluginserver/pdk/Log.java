package dev.kongjava.pluginserver.pdk;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** {@code kong.log.*}: writes to Kong's error log at the given level, arguments concatenated. */
public final class Log {
    private final Bridge bridge;

    Log(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.log.alert}. */
    public void alert(Object... parts) {
        write("kong.log.alert", parts);
    }

    /** {@code kong.log.crit}. */
    public void crit(Object... parts) {
        write("kong.log.crit", parts);
    }

    /** {@code kong.log.err}. */
    public void err(Object... parts) {
        write("kong.log.err", parts);
    }

    /** {@code kong.log.warn}. */
    public void warn(Object... parts) {
        write("kong.log.warn", parts);
    }

    /** {@code kong.log.notice}. */
    public void notice(Object... parts) {
        write("kong.log.notice", parts);
    }

    /** {@code kong.log.info}. */
    public void info(Object... parts) {
        write("kong.log.info", parts);
    }

    /** {@code kong.log.debug}. */
    public void debug(Object... parts) {
        write("kong.log.debug", parts);
    }

    /** {@code kong.log.serialize}: the request/response summary as a JSON string (usable in {@code log}). */
    public @Nullable String serialize() {
        return Values.text(bridge.call("kong.log.serialize"));
    }

    /** {@code kong.log.set_serialize_value}: adds {@code key} to what log plugins serialize. */
    public void setSerializeValue(String key, Object value) {
        bridge.call("kong.log.set_serialize_value", key, value);
    }

    private void write(String method, Object... parts) {
        // Kong concatenates its arguments; anything but text and numbers is sent as text.
        Object[] args = Arrays.stream(parts)
                .map(p -> p == null ? "nil" : p instanceof Number || p instanceof Boolean ? p : p.toString())
                .toArray();
        bridge.call(method, args);
    }
}
