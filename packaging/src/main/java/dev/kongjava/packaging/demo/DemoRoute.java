package dev.kongjava.packaging.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's one route: service-less {@code /kafka} with kafka-upstream forwarding method, URI,
 * headers and body, so every record shows the whole request.
 */
final class DemoRoute {
    static final String PATH = "/kafka";
    static final String PLUGIN = "kafka-upstream";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoRoute() {}

    /** The plugin's {@code config}, as an Admin API call or kong.yml would give it. */
    static Map<String, Object> pluginConfig(String host, int port, String topic) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bootstrap_servers", List.of(Map.of("host", host, "port", port)));
        config.put("topic", topic);
        config.put("forward_method", true);
        config.put("forward_uri", true);
        config.put("forward_headers", true);
        config.put("forward_body", true);
        return config;
    }

    static String pluginConfigJson(String host, int port, String topic) {
        return json(pluginConfig(host, port, topic));
    }

    /** The Lua peer's declarative config (a JSON subset of Kong's DB-less format) with the route. */
    static String declarativeJson(String host, int port, String topic) {
        Map<String, Object> plugin = Map.of("name", PLUGIN, "config", pluginConfig(host, port, topic));
        Map<String, Object> route = Map.of("name", PLUGIN, "paths", List.of(PATH), "plugins", List.of(plugin));
        return json(Map.of("routes", List.of(route)));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
