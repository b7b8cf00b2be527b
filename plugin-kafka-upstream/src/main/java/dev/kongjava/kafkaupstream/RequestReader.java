package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.pdk.MultiMap;

/**
 * Reads from Kong only what the forward flags need, one PDK round trip per item; queries and
 * bodies are parsed here in Java, not by further calls. Default config (forward_body only): the
 * content type and the raw body, then the exit: three round trips.
 */
final class RequestReader {
    /** Kong's own cap for get_headers; the default of 100 would silently drop headers. */
    static final int MAX_HEADERS = 1000;

    private RequestReader() {}

    static CapturedRequest read(Kong kong, Forward forward) {
        String method = forward.method() ? kong.request().getMethod() : null;
        String pathWithQuery = forward.uri() ? kong.request().getPathWithQuery() : null;
        MultiMap headers = forward.headers() ? kong.request().getHeaders(MAX_HEADERS) : null;
        String contentType = null;
        byte[] body = null;
        if (forward.body()) {
            contentType = headers != null ? headers.first("content-type") : kong.request().getHeader("content-type");
            body = kong.request().getRawBody();
        }
        return new CapturedRequest(method, pathWithQuery, headers, contentType, body);
    }
}
