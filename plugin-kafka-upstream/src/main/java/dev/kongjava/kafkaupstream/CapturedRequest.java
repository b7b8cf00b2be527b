package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.pdk.MultiMap;

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
 */
record CapturedRequest(String method, String pathWithQuery, String rawQuery, MultiMap headers, String contentType,
        byte[] body) {
    /** The query string of a path with query, without '?'; empty when there is none. */
    static String queryOf(String pathWithQuery) {
        if (pathWithQuery == null) {
            return null;
        }
        int q = pathWithQuery.indexOf('?');
        return q < 0 ? "" : pathWithQuery.substring(q + 1);
    }
}
