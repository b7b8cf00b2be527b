package dev.kongjava.kafkaupstream.record;

import dev.kongjava.pluginserver.pdk.MultiMap;
import java.util.Map;

/**
 * What the plugin read from Kong for one request; a field is null when nothing needed it (so it
 * was never asked for).
 *
 * @param method request method, e.g. "POST"
 * @param pathWithQuery path plus {@code ?query}, as Kong's {@code get_path_with_query}
 * @param rawQuery the query string without '?' ("" when none)
 * @param headers all request headers, lower-case names
 * @param contentType the Content-Type header value
 * @param body the raw body bytes (empty when there is none)
 * @param uriCaptures the named captures of the route's regex path
 */
public record CapturedRequest(
        String method,
        String pathWithQuery,
        String rawQuery,
        MultiMap headers,
        String contentType,
        byte[] body,
        Map<String, String> uriCaptures) {
    CapturedRequest(
            String method, String pathWithQuery, String rawQuery, MultiMap headers, String contentType, byte[] body) {
        this(method, pathWithQuery, rawQuery, headers, contentType, body, null);
    }

    /** The same request with another body: one element of a batch. */
    CapturedRequest withBody(byte[] element) {
        return new CapturedRequest(method, pathWithQuery, rawQuery, headers, contentType, element, uriCaptures);
    }

    /** The query string of a path with query, without '?'; empty when there is none. */
    static String queryOf(String pathWithQuery) {
        if (pathWithQuery == null) {
            return null;
        }
        int q = pathWithQuery.indexOf('?');
        return q < 0 ? "" : pathWithQuery.substring(q + 1);
    }
}
