package dev.kongjava.kafkaupstream.record;

import dev.kongjava.kafkaupstream.config.Forward;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.config.MessageFormat;
import dev.kongjava.kafkaupstream.config.RecordOptions;
import dev.kongjava.pluginserver.pdk.Kong;
import dev.kongjava.pluginserver.pdk.MultiMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads from Kong only what an instance's config needs, one PDK round trip per item; queries and
 * bodies are parsed here in Java, never by further calls. Which items a config needs is decided
 * once, when the instance starts.
 *
 * @param method forward_method
 * @param pathWithQuery forward_uri
 * @param query a query argument picks the key or topics, and forward_uri does not already bring the query
 * @param headers forward_headers, or record headers to copy
 * @param body forward_body, or message_format body, or a key from a JSON pointer into it
 * @param uriCaptures a key from a capture of the route's regex path
 */
public record RequestReader(
        boolean method, boolean pathWithQuery, boolean query, boolean headers, boolean body, boolean uriCaptures) {
    /** Kong's own cap for get_headers; the default of 100 would silently drop headers. */
    static final int MAX_HEADERS = 1000;

    public static RequestReader of(KafkaUpstreamConfig c) {
        boolean envelope = c.messageFormat() == MessageFormat.ENVELOPE;
        Forward f = c.forward();
        boolean uri = envelope && f.uri();
        RecordOptions o = c.options();
        boolean needsQuery = c.keyQueryArg() != null || c.topicsQueryArg() != null || o.partitionQueryArg() != null;
        return new RequestReader(
                envelope && f.method(),
                uri,
                needsQuery && !uri,
                (envelope && f.headers()) || c.headerRules().active() || o.readsHeaders(),
                !envelope || f.body() || o.keyJsonPointer() != null,
                o.keyUriCapture() != null);
    }

    /** PDK round trips per request: one per item read, plus one for HandleEvent (exit needs none). */
    public int roundTrips() {
        int calls = (method ? 1 : 0)
                + (pathWithQuery ? 1 : 0)
                + (query ? 1 : 0)
                + (headers ? 1 : 0)
                + (uriCaptures ? 1 : 0);
        if (body) {
            calls += headers ? 1 : 2; // the content type comes with the headers, or costs a call
        }
        return 1 + calls;
    }

    public CapturedRequest read(Kong kong) {
        String m = method ? kong.request().getMethod() : null;
        String path = pathWithQuery ? kong.request().getPathWithQuery() : null;
        String raw = query ? kong.request().getRawQuery() : CapturedRequest.queryOf(path);
        MultiMap all = headers ? kong.request().getHeaders(MAX_HEADERS) : null;
        String contentType = null;
        byte[] bytes = null;
        if (body) {
            contentType =
                    all != null ? all.first("content-type") : kong.request().getHeader("content-type");
            bytes = kong.request().getRawBody();
        }
        Map<String, String> captures = uriCaptures ? named(kong.request().getUriCaptures()) : null;
        return new CapturedRequest(m, path, raw, all, contentType, bytes, captures);
    }

    /** The named captures of Kong's {@code {unnamed = [...], named = {...}}}; values that are not text are left out. */
    private static Map<String, String> named(Map<String, Object> captures) {
        Map<String, String> named = new HashMap<>();
        if (captures != null && captures.get("named") instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v instanceof String s) {
                    named.put(String.valueOf(k), s);
                } else if (v instanceof byte[] b) {
                    named.put(String.valueOf(k), new String(b, java.nio.charset.StandardCharsets.UTF_8));
                }
            });
        }
        return named;
    }
}
