package dev.kongjava.packaging.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's routes, both service-less: {@code /kafka} with kafka-upstream forwarding method, URI,
 * headers and body, so every record shows the whole request; and {@code /tagged} with the example
 * plugins of examples/request-tagger, which answer with the request's tag.
 */
final class DemoRoute {
    static final String PATH = "/kafka";
    static final String PLUGIN = "kafka-upstream";
    static final String TAGGED_PATH = "/tagged";
    /** The example plugins on /tagged in Kong's order (highest priority first), each its own pluginserver. */
    static final List<String> EXAMPLE_PLUGINS = List.of("request-tagger", "tag-echo");

    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoRoute() {}

    /** The kafka-upstream {@code config}, as an Admin API call or kong.yml would give it. */
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

    /** Route path → its plugins in Kong's order, each name with its {@code config}. */
    static Map<String, Map<String, Object>> routes(String host, int port, String topic) {
        Map<String, Map<String, Object>> routes = new LinkedHashMap<>();
        routes.put(PATH, Map.of(PLUGIN, pluginConfig(host, port, topic)));
        Map<String, Object> tagged = new LinkedHashMap<>();
        EXAMPLE_PLUGINS.forEach(plugin -> tagged.put(plugin, Map.of()));
        routes.put(TAGGED_PATH, tagged);
        return routes;
    }

    /** The Lua peer's declarative config (a JSON subset of Kong's DB-less format) with the routes. */
    static String declarativeJson(String host, int port, String topic) {
        List<Object> routes = new ArrayList<>();
        routes(host, port, topic).forEach((path, plugins) -> {
            List<Object> entities = new ArrayList<>();
            plugins.forEach((name, config) -> entities.add(Map.of("name", name, "config", config)));
            routes.add(Map.of("name", path.substring(1), "paths", List.of(path), "plugins", entities));
        });
        return json(Map.of("routes", routes));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
