package dev.kongjava.pluginserver.pdk;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code kong.nginx.*}: nginx variables and request context. */
public final class Nginx {
    private final Bridge bridge;

    Nginx(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.nginx.get_var}: an nginx variable ({@code ngx.var[name]}), or null. */
    public @Nullable String getVar(String name) {
        return Values.text(bridge.call("kong.nginx.get_var", name));
    }

    /** {@code kong.nginx.get_tls1_version_str}: e.g. "TLSv1.3", or null without TLS. */
    public @Nullable String getTls1VersionStr() {
        return Values.text(bridge.call("kong.nginx.get_tls1_version_str"));
    }

    /** {@code kong.nginx.get_ctx}: a value of {@code ngx.ctx}. */
    public @Nullable Object getCtx(String key) {
        return bridge.call("kong.nginx.get_ctx", key);
    }

    /** {@code kong.nginx.set_ctx}: sets a value of {@code ngx.ctx}. */
    public void setCtx(String key, Object value) {
        bridge.call("kong.nginx.set_ctx", key, value);
    }

    /** {@code kong.nginx.req_start_time}: epoch seconds with fraction. */
    public @Nullable Double reqStartTime() {
        return Values.number(bridge.call("kong.nginx.req_start_time"));
    }

    /** {@code kong.nginx.get_subsystem}: "http" or "stream". */
    public @Nullable String getSubsystem() {
        return Values.text(bridge.call("kong.nginx.get_subsystem"));
    }

    /** {@code kong.nginx.get_statistics}: connection counters. */
    public @Nullable Map<String, Object> getStatistics() {
        return Values.map(bridge.call("kong.nginx.get_statistics"));
    }
}
