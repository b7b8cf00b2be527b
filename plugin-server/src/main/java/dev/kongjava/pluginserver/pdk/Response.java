package dev.kongjava.pluginserver.pdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code kong.response.*}: the response to the client; {@code exit}/{@code error} end the event. */
public final class Response {
    private final Bridge bridge;

    Response(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.response.get_status}. */
    public @Nullable Long getStatus() {
        return Values.integer(bridge.call("kong.response.get_status"));
    }

    /** {@code kong.response.get_header}. */
    public @Nullable String getHeader(String name) {
        return Values.text(bridge.call("kong.response.get_header", name));
    }

    /** {@code kong.response.get_headers}. */
    public MultiMap getHeaders() {
        return MultiMap.fromKong(bridge.call("kong.response.get_headers"), true);
    }

    /** {@code kong.response.get_source}: "exit", "error" or "service". */
    public @Nullable String getSource() {
        return Values.text(bridge.call("kong.response.get_source"));
    }

    /** {@code kong.response.set_status}. */
    public void setStatus(int status) {
        bridge.call("kong.response.set_status", status);
    }

    /** {@code kong.response.set_header}. */
    public void setHeader(String name, String value) {
        bridge.call("kong.response.set_header", name, value);
    }

    /** {@code kong.response.add_header}. */
    public void addHeader(String name, String value) {
        bridge.call("kong.response.add_header", name, value);
    }

    /** {@code kong.response.clear_header}. */
    public void clearHeader(String name) {
        bridge.call("kong.response.clear_header", name);
    }

    /** {@code kong.response.set_headers}: values are strings or lists of strings. */
    public void setHeaders(Map<String, ?> headers) {
        bridge.call("kong.response.set_headers", headers);
    }

    /** {@code kong.response.exit(status)}: ends the request; no PDK call may follow. */
    public void exit(int status) {
        terminal("kong.response.exit", status, null, null);
    }

    /** {@code kong.response.exit(status, body)} with a text body. */
    public void exit(int status, String body) {
        terminal("kong.response.exit", status, body, null);
    }

    /** {@code kong.response.exit(status, body, headers)}; header values are strings or lists. */
    public void exit(int status, String body, Map<String, ?> headers) {
        terminal("kong.response.exit", status, body, headers);
    }

    /** {@code kong.response.exit(status, body, headers)} with a binary body (sent as MessagePack bin). */
    public void exit(int status, byte[] body, Map<String, ?> headers) {
        terminal("kong.response.exit", status, body, headers);
    }

    /** {@code kong.response.exit(status, table, headers)}: Kong JSON-encodes the map and sets the content type. */
    public void exitJson(int status, Map<String, ?> body, Map<String, ?> headers) {
        terminal("kong.response.exit", status, body, headers);
    }

    /** {@code kong.response.error(status)}: Kong writes its standard error body. */
    public void error(int status) {
        terminal("kong.response.error", status, null, null);
    }

    /** {@code kong.response.error(status, message, headers)}. */
    public void error(int status, String message, Map<String, ?> headers) {
        terminal("kong.response.error", status, message, headers);
    }

    private void terminal(String method, int status, @Nullable Object body, @Nullable Map<String, ?> headers) {
        if (status < 100 || status > 599) {
            // Kong raises on this, which would leave the request hanging until our event timeout.
            throw new IllegalArgumentException(method + ": status must be between 100 and 599, got " + status);
        }
        List<Object> args = new ArrayList<>(3);
        args.add(status);
        if (body != null || headers != null) {
            // Never a nil hole before headers: Kong's unpack would drop them (docs/protocol.md §4.4).
            args.add(body == null ? "" : body);
        }
        if (headers != null) {
            args.add(headers);
        }
        bridge.call(method, args.toArray());
    }
}
