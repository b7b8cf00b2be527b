package dev.kongjava.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Answers PDK calls the way Kong's bridge does (docs/protocol.md §5.3, §7): the Step variant Kong
 * would pick, multimaps as arrays of strings with empty maps kept as maps, raw bodies as bin (str on
 * 2.x), no {@code Data} for nil, StepError for nil+err only on 2.x.
 */
final class PdkAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPOOLED_ERROR =
            "request body did not fit into client body buffer, consider raising 'client_body_buffer_size'";

    /** What Kong does with one callback. */
    sealed interface Answer {}

    /** Send {@code stepMethod} with {@code {EventId, Data}} (no Data key when {@code !hasData}). */
    record Step(String stepMethod, boolean hasData, Object data) implements Answer {}

    /** kong.response.exit / error: the handler is abandoned, no Step follows. */
    record Terminal(String method, int status, byte[] body, Map<String, Object> headers) implements Answer {}

    /** A Lua error in the PDK function: no Step; the request fails. */
    record Raise(String message) implements Answer {}

    private final CannedRequest request;
    private final int kongMajor;

    PdkAnswers(CannedRequest request, int kongMajor) {
        this.request = request;
        this.kongMajor = kongMajor;
    }

    Answer answer(String method, List<Object> args) {
        if (request.raising.contains(method)) {
            return new Raise(method + ": raised by the canned request");
        }
        Object arg0 = args.isEmpty() ? null : args.get(0);
        return switch (method) {
            case "kong.request.get_method" -> step(request.method);
            case "kong.request.get_path", "kong.request.get_raw_path" -> step(request.path);
            case "kong.request.get_path_with_query" -> step(request.pathWithQuery());
            case "kong.request.get_raw_query" -> step(request.rawQuery);
            case "kong.request.get_query" -> new Step("plugin.StepMultiMap", true, query(limit(arg0)));
            case "kong.request.get_query_arg" -> queryArg(String.valueOf(arg0));
            case "kong.request.get_header" -> step(request.firstHeader(String.valueOf(arg0)));
            case "kong.request.get_headers" -> new Step("plugin.StepMultiMap", true, headers(limit(arg0)));
            case "kong.request.get_raw_body" -> rawBody(arg0 != null);
            case "kong.request.get_scheme" -> step(request.scheme);
            case "kong.request.get_host" -> step(request.host);
            case "kong.request.get_port" -> step((long) request.port);
            case "kong.request.get_http_version" -> step(1.1);
            case "kong.request.get_uri_captures" -> step(uriCaptures());
            case "kong.client.get_ip", "kong.client.get_forwarded_ip" -> step(request.clientIp);
            case "kong.router.get_route" -> new Step("plugin.StepRoute", true, request.route);
            case "kong.router.get_service" -> new Step("plugin.StepService", false, null);
            case "kong.node.get_id" -> step("00000000-0000-4000-8000-00000000c0de");
            case "kong.ctx.shared.get" -> step(request.ctxShared.get(String.valueOf(arg0)));
            case "kong.ctx.shared.set" -> {
                request.ctxShared.put(String.valueOf(arg0), args.size() > 1 ? args.get(1) : null);
                yield step(null);
            }
            case "kong.log.serialize" -> step(serialize());
            case "kong.response.exit", "kong.response.error" -> terminal(method, args);
            default -> method.startsWith("kong.log.") ? step(null) : unknown();
        };
    }

    private Step step(Object value) {
        return new Step("plugin.Step", value != null, value);
    }

    /** Kong logs "could not find pdk method" and answers with an empty Step. */
    private Step unknown() {
        return new Step("plugin.Step", false, null);
    }

    /** Kong 3.8+ reads a spooled body when given an argument; 2.x takes none and always fails. */
    private Answer rawBody(boolean readsTempFile) {
        if (request.spooled && (kongMajor < 3 || !readsTempFile)) {
            return kongMajor >= 3
                    ? new Raise("MessagePack.lua:126: attempt to get length of local 'str' (a nil value)")
                    : new Step("plugin.StepError", true, SPOOLED_ERROR);
        }
        byte[] body = request.body;
        return new Step(
                "plugin.Step",
                true,
                kongMajor >= 3 ? new WireValues.Bin(body) : new String(body, StandardCharsets.UTF_8));
    }

    /**
     * What a canned request knows of Kong's {@code kong.log.serialize}, which travels as a JSON string
     * (docs/protocol.md §5.5): method, URI and headers, the response status, zero latencies, client and route.
     */
    private String serialize() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers(100).forEach((name, values) -> {
            List<?> all = (List<?>) values;
            headers.put(name, all.size() == 1 ? all.get(0) : all); // Kong lists only repeated headers
        });
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("request", Map.of("method", request.method, "uri", request.pathWithQuery(), "headers", headers));
        entry.put("response", Map.of("status", request.responseStatus));
        entry.put("latencies", Map.of("kong", 0, "proxy", -1, "request", 0, "receive", 0));
        entry.put("client_ip", request.clientIp);
        entry.put("route", request.route);
        return new String(json(entry), StandardCharsets.UTF_8);
    }

    /** Kong's {@code {unnamed, named}}: the named captures, and their values in order as the numbered ones. */
    private Map<String, Object> uriCaptures() {
        Map<String, Object> captures = new LinkedHashMap<>();
        captures.put("unnamed", List.copyOf(request.uriCaptures.values()));
        captures.put("named", new LinkedHashMap<>(request.uriCaptures));
        return captures;
    }

    private static int limit(Object arg) {
        return arg instanceof Number n ? n.intValue() : 100;
    }

    private Map<String, Object> headers(int max) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String[] h : request.headers) {
            String name = h[0].toLowerCase(Locale.ROOT);
            if (!out.containsKey(name) && out.size() >= max) {
                continue; // Kong silently truncates beyond max_headers
            }
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) out.computeIfAbsent(name, k -> new ArrayList<>());
            values.add(h[1]);
        }
        return out;
    }

    /** ngx.req.get_uri_args semantics, then Kong's fix_mmap: every value a list, {@code ?flag} → []. */
    Map<String, Object> query(int max) {
        Map<String, Object> out = new LinkedHashMap<>();
        int count = 0;
        for (String part : request.rawQuery.split("&")) {
            if (part.isEmpty() || count++ >= max) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = decode(eq < 0 ? part : part.substring(0, eq));
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) out.computeIfAbsent(name, k -> new ArrayList<>());
            if (eq >= 0) {
                values.add(decode(part.substring(eq + 1)));
            }
        }
        return out;
    }

    private Step queryArg(String name) {
        @SuppressWarnings("unchecked")
        List<Object> values = (List<Object>) query(100).get(name);
        if (values == null) {
            return step(null);
        }
        return step(values.isEmpty() ? true : values.get(0));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private Terminal terminal(String method, List<Object> args) {
        int status = ((Number) args.get(0)).intValue();
        Object body = args.size() > 1 ? args.get(1) : null;
        Map<String, Object> headers = new LinkedHashMap<>();
        if (args.size() > 2 && args.get(2) instanceof Map<?, ?> h) {
            h.forEach((k, v) -> headers.put(String.valueOf(k), v));
        }
        byte[] bytes;
        if (method.equals("kong.response.error")) {
            String message = body == null || "".equals(body) ? defaultMessage(status) : String.valueOf(body);
            bytes = json(Map.of("message", message));
            headers.putIfAbsent("Content-Type", "application/json; charset=utf-8");
        } else if (body instanceof Map<?, ?> table) {
            bytes = json(table);
            headers.putIfAbsent("Content-Type", "application/json; charset=utf-8");
        } else if (body instanceof byte[] raw) {
            bytes = raw;
        } else {
            bytes = body == null ? null : String.valueOf(body).getBytes(StandardCharsets.UTF_8);
        }
        return new Terminal(method, status, bytes, headers);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String defaultMessage(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 502 -> "Bad Gateway";
            case 503 -> "Service unavailable";
            default -> "An unexpected error occurred";
        };
    }
}
