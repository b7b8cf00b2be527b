package dev.kongjava.pluginserver.pdk;

import java.util.Map;

/** {@code kong.service.request.*}: changes to the request Kong sends upstream. */
public final class ServiceRequest {
    private final Bridge bridge;

    ServiceRequest(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.service.request.set_scheme}. */
    public void setScheme(String scheme) {
        bridge.call("kong.service.request.set_scheme", scheme);
    }

    /** {@code kong.service.request.set_path}. */
    public void setPath(String path) {
        bridge.call("kong.service.request.set_path", path);
    }

    /** {@code kong.service.request.set_raw_query}. */
    public void setRawQuery(String query) {
        bridge.call("kong.service.request.set_raw_query", query);
    }

    /** {@code kong.service.request.set_method}. */
    public void setMethod(String method) {
        bridge.call("kong.service.request.set_method", method);
    }

    /** {@code kong.service.request.set_query}: values are strings, lists of strings or {@code true}. */
    public void setQuery(Map<String, ?> args) {
        bridge.call("kong.service.request.set_query", args);
    }

    /** {@code kong.service.request.set_header}. */
    public void setHeader(String name, String value) {
        bridge.call("kong.service.request.set_header", name, value);
    }

    /** {@code kong.service.request.add_header}. */
    public void addHeader(String name, String value) {
        bridge.call("kong.service.request.add_header", name, value);
    }

    /** {@code kong.service.request.clear_header}. */
    public void clearHeader(String name) {
        bridge.call("kong.service.request.clear_header", name);
    }

    /** {@code kong.service.request.set_headers}. */
    public void setHeaders(Map<String, ?> headers) {
        bridge.call("kong.service.request.set_headers", headers);
    }

    /** {@code kong.service.request.set_raw_body}. */
    public void setRawBody(byte[] body) {
        bridge.call("kong.service.request.set_raw_body", body);
    }

    /** {@code kong.service.request.set_body}: Kong encodes {@code args} per {@code mimeType}. */
    public void setBody(Map<String, ?> args, String mimeType) {
        bridge.call("kong.service.request.set_body", args, mimeType);
    }

    /** {@code kong.service.request.enable_buffering}: lets the response phase see the upstream body. */
    public void enableBuffering() {
        bridge.call("kong.service.request.enable_buffering");
    }
}
