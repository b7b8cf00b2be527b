package dev.kongjava.pluginserver.pdk;

import org.jspecify.annotations.Nullable;

/** {@code kong.service.response.*}: the upstream's response, in phases after the proxying. */
public final class ServiceResponse {
    private final Bridge bridge;

    ServiceResponse(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.service.response.get_status}. */
    public @Nullable Long getStatus() {
        return Values.integer(bridge.call("kong.service.response.get_status"));
    }

    /** {@code kong.service.response.get_header}. */
    public @Nullable String getHeader(String name) {
        return Values.text(bridge.call("kong.service.response.get_header", name));
    }

    /** {@code kong.service.response.get_headers}. */
    public MultiMap getHeaders() {
        return MultiMap.fromKong(bridge.call("kong.service.response.get_headers"), true);
    }

    /** {@code kong.service.response.get_raw_body}: needs buffering enabled; empty when none. */
    public byte[] getRawBody() {
        byte[] body = Values.bytes(bridge.call("kong.service.response.get_raw_body"));
        return body == null ? new byte[0] : body;
    }

    /** {@code kong.service.response.get_body}: decoded by Kong, or null. */
    public @Nullable Object getBody() {
        return bridge.call("kong.service.response.get_body");
    }
}
