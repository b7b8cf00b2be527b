package dev.kongjava.testkit.luapeer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** HTTP client for the peer's own {@code /__peer/} endpoints (see {@code kpeer/control.lua}). */
final class ControlClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI baseUri;
    private final HttpClient http;

    ControlClient(URI baseUri) {
        this.baseUri = baseUri;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** True when {@code GET /__peer/health} answers 200; false while nginx is not listening yet. */
    boolean healthy() {
        try {
            HttpRequest req = HttpRequest.newBuilder(baseUri.resolve("/__peer/health"))
                    .timeout(HEALTH_TIMEOUT)
                    .GET()
                    .build();
            return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** GET {@code path}, which must answer 200 with a JSON object. */
    Map<String, Object> getJson(String path) {
        return parse(send("GET", path, null, 200).body());
    }

    /** DELETE {@code path}, which must answer 200. */
    void delete(String path) {
        send("DELETE", path, null, 200);
    }

    /** POST /__peer/config; returns the new config version. */
    long postConfig(String declarativeJson) {
        HttpResponse<String> r = send("POST", "/__peer/config", declarativeJson, -1);
        if (r.statusCode() == 400) {
            throw new IllegalArgumentException(messageOf(r.body()));
        }
        if (r.statusCode() != 201) {
            throw new IllegalStateException("POST /__peer/config answered " + r.statusCode() + ": " + r.body());
        }
        Object v = parse(r.body()).get("version");
        return v instanceof Number n ? n.longValue() : -1;
    }

    /** POST /__peer/schemas/plugins/validate: Kong's answer, whatever its status. */
    HttpResponse<String> validatePlugin(String pluginJson) {
        return send("POST", "/__peer/schemas/plugins/validate", pluginJson, -1);
    }

    /** Sends a request; {@code expect} > 0 makes any other status an IllegalStateException. */
    private HttpResponse<String> send(String method, String path, String body, int expect) {
        try {
            HttpRequest.Builder rb =
                    HttpRequest.newBuilder(baseUri.resolve(path)).timeout(REQUEST_TIMEOUT);
            if (body != null) {
                rb.header("Content-Type", "application/json");
                rb.method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                rb.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
            if (expect > 0 && r.statusCode() != expect) {
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object: " + json, e);
        }
    }

    private static String messageOf(String body) {
        try {
            Object m = parse(body).get("message");
            return m != null ? m.toString() : body;
        } catch (RuntimeException e) {
            return body;
        }
    }
}
