package dev.kongjava.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The HTTP request FakeKong serves to {@code kong.request.*} and friends. Immutable-ish builder. */
public final class CannedRequest {
    String method = "GET";
    String path = "/";
    String rawQuery = "";
    final List<String[]> headers = new ArrayList<>();
    byte[] body = new byte[0];
    boolean spooled;
    String scheme = "http";
    String host = "localhost";
    int port = 8000;
    String clientIp = "127.0.0.1";
    Map<String, Object> route = new LinkedHashMap<>(Map.of(
            "id",
            "00000000-0000-4000-8000-000000000001",
            "name",
            "fake-route",
            "paths",
            List.of("/"),
            "protocols",
            List.of("http", "https")));
    final Set<String> raising = new HashSet<>();
    /** The request's {@code kong.ctx.shared}: every phase of every plugin run with this request shares it, as in Kong. */
    final Map<String, Object> ctxShared = Collections.synchronizedMap(new LinkedHashMap<>());

    int responseStatus = 200;
    final Map<String, String> uriCaptures = new LinkedHashMap<>();

    private CannedRequest() {}

    public static CannedRequest get(String pathWithQuery) {
        return new CannedRequest().method("GET").target(pathWithQuery);
    }

    public static CannedRequest post(String pathWithQuery) {
        return new CannedRequest().method("POST").target(pathWithQuery);
    }

    public CannedRequest method(String value) {
        this.method = value;
        return this;
    }

    /** Path and optional {@code ?query}, as on the request line. */
    public CannedRequest target(String pathWithQuery) {
        int q = pathWithQuery.indexOf('?');
        this.path = q < 0 ? pathWithQuery : pathWithQuery.substring(0, q);
        this.rawQuery = q < 0 ? "" : pathWithQuery.substring(q + 1);
        return this;
    }

    /** Adds a header; repeat for repeated headers. Names are matched case-insensitively. */
    public CannedRequest header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    public CannedRequest body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    public CannedRequest body(byte[] bytes) {
        this.body = bytes.clone();
        return this;
    }

    /** Pretends nginx spooled the body to a temp file (bigger than client_body_buffer_size). */
    public CannedRequest spooledBody() {
        this.spooled = true;
        return this;
    }

    public CannedRequest clientIp(String ip) {
        this.clientIp = ip;
        return this;
    }

    public CannedRequest route(Map<String, Object> entity) {
        this.route = new LinkedHashMap<>(entity);
        return this;
    }

    /** Stores a value in the request's {@code kong.ctx.shared}, as a plugin that ran before would have. */
    public CannedRequest ctxShared(String key, Object value) {
        ctxShared.put(key, value);
        return this;
    }

    /** The status of the response, as the log phase sees it in {@code kong.log.serialize} (default 200). */
    public CannedRequest responseStatus(int status) {
        this.responseStatus = status;
        return this;
    }

    /** A named capture of the route's regex path, for {@code kong.request.get_uri_captures}. */
    public CannedRequest uriCapture(String name, String value) {
        uriCaptures.put(name, value);
        return this;
    }

    /** Makes the Kong function raise a Lua error: Kong then sends no Step and the request fails with 500. */
    public CannedRequest raising(String kongMethod) {
        raising.add(kongMethod);
        return this;
    }

    String firstHeader(String name) {
        String wanted = name.toLowerCase(Locale.ROOT).replace('_', '-');
        for (String[] h : headers) {
            if (h[0].toLowerCase(Locale.ROOT).equals(wanted)) {
                return h[1];
            }
        }
        return null;
    }

    String pathWithQuery() {
        return rawQuery.isEmpty() ? path : path + "?" + rawQuery;
    }
}
