package dev.kongjava.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kong's side of one access event: {@code plugin.HandleEvent}, then one {@code plugin.Step*} per
 * PDK callback the plugin asks for, answered from a canned request, until the plugin ends the
 * request with {@code kong.response.exit} (or returns). No pipelining: one call at a time.
 */
final class KongEvent {
    /** Receives the duration of every RPC round trip, in nanoseconds. */
    interface Timer {
        Timer NONE = nanos -> {};

        void record(long nanos);
    }

    /** What the canned request answers to the PDK getters the benchmarked plugins call. */
    record CannedRequest(String contentType, byte[] body) {
        static CannedRequest json(int size) {
            return new CannedRequest("application/json", Bodies.json(size));
        }

        Object answer(String method, List<?> args) {
            return switch (method) {
                case "kong.request.get_header" ->
                    "content-type".equals(args.isEmpty() ? null : args.get(0)) ? contentType : "bench-value";
                case "kong.request.get_raw_body" -> body;
                case "kong.request.get_method" -> "POST";
                case "kong.request.get_path_with_query" -> "/kafka?bench=1";
                case "kong.request.get_raw_query" -> "bench=1";
                case "kong.request.get_headers" -> headers();
                default -> null;
            };
        }

        private Map<String, Object> headers() {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("host", List.of("127.0.0.1:8000"));
            h.put("user-agent", List.of("bench"));
            h.put("content-type", List.of(contentType));
            h.put("content-length", List.of(String.valueOf(body.length)));
            return h;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private KongEvent() {}

    /** Runs one access event; returns the exit status, or 0 when the plugin returned without exit. */
    static int access(RpcClient client, long instanceId, CannedRequest request, Timer timer) throws IOException {
        long t0 = System.nanoTime();
        Object reply = client.call("plugin.HandleEvent", Map.of("InstanceId", instanceId, "EventName", "access"));
        timer.record(System.nanoTime() - t0);
        Object eventId = ((Map<?, ?>) reply).get("EventId");
        while (true) {
            Object data = ((Map<?, ?>) reply).get("Data");
            if (!(data instanceof Map<?, ?> callback)) {
                return 0; // "ret"
            }
            String method = (String) callback.get("Method");
            List<?> args = callback.get("Args") instanceof List<?> l ? l : List.of();
            if (method.equals("kong.response.exit") || method.equals("kong.response.error")) {
                return ((Number) args.get(0)).intValue();
            }
            Object answer = request.answer(method, args);
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("EventId", eventId);
            if (answer != null) {
                step.put("Data", answer);
            }
            String stepMethod = method.equals("kong.request.get_headers") ? "plugin.StepMultiMap" : "plugin.Step";
            t0 = System.nanoTime();
            reply = client.call(stepMethod, step);
            timer.record(System.nanoTime() - t0);
        }
    }

    /** {@code plugin.StartInstance}; returns the instance id. */
    static long startInstance(RpcClient client, String name, String configJson) throws IOException {
        Object reply = client.call("plugin.StartInstance", Map.of("Name", name, "Config", configJson));
        return ((Number) ((Map<?, ?>) reply).get("Id")).longValue();
    }
}
