package dev.kongjava.pluginserver.pdk;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code kong.request.*}: the client's request as Kong received it. */
public final class Request {
    private final Bridge bridge;

    Request(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.request.get_scheme}: "http" or "https". */
    public @Nullable String getScheme() {
        return Values.text(bridge.call("kong.request.get_scheme"));
    }

    /** {@code kong.request.get_host}. */
    public @Nullable String getHost() {
        return Values.text(bridge.call("kong.request.get_host"));
    }

    /** {@code kong.request.get_port}. */
    public @Nullable Long getPort() {
        return Values.integer(bridge.call("kong.request.get_port"));
    }

    /** {@code kong.request.get_forwarded_scheme}: honours X-Forwarded-Proto from trusted IPs. */
    public @Nullable String getForwardedScheme() {
        return Values.text(bridge.call("kong.request.get_forwarded_scheme"));
    }

    /** {@code kong.request.get_forwarded_host}. */
    public @Nullable String getForwardedHost() {
        return Values.text(bridge.call("kong.request.get_forwarded_host"));
    }

    /** {@code kong.request.get_forwarded_port}. */
    public @Nullable Long getForwardedPort() {
        return Values.integer(bridge.call("kong.request.get_forwarded_port"));
    }

    /** {@code kong.request.get_forwarded_path}. */
    public @Nullable String getForwardedPath() {
        return Values.text(bridge.call("kong.request.get_forwarded_path"));
    }

    /** {@code kong.request.get_forwarded_prefix}. */
    public @Nullable String getForwardedPrefix() {
        return Values.text(bridge.call("kong.request.get_forwarded_prefix"));
    }

    /** {@code kong.request.get_http_version}, e.g. 1.1. */
    public @Nullable Double getHttpVersion() {
        return Values.number(bridge.call("kong.request.get_http_version"));
    }

    /** {@code kong.request.get_method}, e.g. "POST". */
    public @Nullable String getMethod() {
        return Values.text(bridge.call("kong.request.get_method"));
    }

    /** {@code kong.request.get_path}: normalized path without the query. */
    public @Nullable String getPath() {
        return Values.text(bridge.call("kong.request.get_path"));
    }

    /** {@code kong.request.get_raw_path}: the path as sent, not normalized. */
    public @Nullable String getRawPath() {
        return Values.text(bridge.call("kong.request.get_raw_path"));
    }

    /** {@code kong.request.get_path_with_query}. */
    public @Nullable String getPathWithQuery() {
        return Values.text(bridge.call("kong.request.get_path_with_query"));
    }

    /** {@code kong.request.get_raw_query}: the query string without '?', "" when none. */
    public @Nullable String getRawQuery() {
        return Values.text(bridge.call("kong.request.get_raw_query"));
    }

    /** {@code kong.request.get_query_arg}: first value; "" for a bare {@code ?flag}; null if absent. */
    public @Nullable String getQueryArg(String name) {
        Object value = bridge.call("kong.request.get_query_arg", name);
        return Boolean.TRUE.equals(value) ? "" : Values.text(value);
    }

    /** {@code kong.request.get_query}: at most Kong's {@code lua_max_uri_args} (100) arguments. */
    public MultiMap getQuery() {
        return MultiMap.fromKong(bridge.call("kong.request.get_query"), false);
    }

    /** {@code kong.request.get_query(max_args)}, {@code maxArgs} 1 to 1000. */
    public MultiMap getQuery(int maxArgs) {
        return MultiMap.fromKong(bridge.call("kong.request.get_query", maxArgs), false);
    }

    /** {@code kong.request.get_header}: first value, case-insensitive; null if absent. */
    public @Nullable String getHeader(String name) {
        return Values.text(bridge.call("kong.request.get_header", name));
    }

    /** {@code kong.request.get_headers}: at most Kong's {@code lua_max_req_headers} (100) headers. */
    public MultiMap getHeaders() {
        return MultiMap.fromKong(bridge.call("kong.request.get_headers"), true);
    }

    /** {@code kong.request.get_headers(max_headers)}, {@code maxHeaders} 1 to 1000. */
    public MultiMap getHeaders(int maxHeaders) {
        return MultiMap.fromKong(bridge.call("kong.request.get_headers", maxHeaders), true);
    }

    /**
     * {@code kong.request.get_raw_body(0)}: the body bytes, empty when there is none. The argument 0
     * makes Kong 3.8+ read a body nginx spooled to a temp file (larger than
     * {@code client_body_buffer_size}); older Kong ignores it. Without it Kong 3.x crashes the request
     * on such bodies, so it is always sent.
     */
    public byte[] getRawBody() {
        byte[] body = Values.bytes(bridge.call("kong.request.get_raw_body", 0));
        return body == null ? new byte[0] : body;
    }

    /** {@code kong.request.get_body}: the body decoded by Kong (JSON, form, multipart), or null. */
    public @Nullable Object getBody() {
        return bridge.call("kong.request.get_body");
    }

    /** {@code kong.request.get_body(mimetype)}. */
    public @Nullable Object getBody(String mimeType) {
        return bridge.call("kong.request.get_body", mimeType);
    }

    /** {@code kong.request.get_start_time}: epoch milliseconds. */
    public @Nullable Long getStartTime() {
        return Values.integer(bridge.call("kong.request.get_start_time"));
    }

    /** {@code kong.request.get_uri_captures}: regex captures of the matched route path. */
    public @Nullable Map<String, Object> getUriCaptures() {
        return Values.map(bridge.call("kong.request.get_uri_captures"));
    }
}
