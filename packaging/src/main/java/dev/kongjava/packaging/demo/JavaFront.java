package dev.kongjava.packaging.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Kong stand-in for machines without nginx and the Lua module: a JDK HTTP server that runs each
 * request through the access phase of its route's plugins, in Kong's order, with {@link FakeKong}
 * over the real sockets and MessagePack protocol (one FakeKong per plugin server), and answers as Kong
 * does: the first plugin's {@code kong.response.exit}, 404 for no route, 503 for a service-less route
 * no plugin ended, 500 when Kong would raise. The plugins of a request share its
 * {@code kong.ctx.shared}. The log phase is not run.
 */
final class JavaFront implements AutoCloseable {
    private final HttpServer http;
    private final List<FakeKong> kongs;
    /** Route path → its plugins in Kong's order; longer paths first, so the longest prefix wins. */
    private final Map<String, List<FakeKong.PluginConfig>> routes;

    private JavaFront(HttpServer http, List<FakeKong> kongs, Map<String, List<FakeKong.PluginConfig>> routes) {
        this.http = http;
        this.kongs = kongs;
        this.routes = routes;
    }

    /**
     * @param routes route path → plugin name → its {@code config}, in Kong's order (see {@link DemoRoute#routes})
     * @param sockets plugin name → the socket of its server
     */
    static JavaFront start(int port, Map<String, Map<String, Object>> routes, Map<String, Path> sockets)
            throws IOException {
        Map<Path, FakeKong> kongs = new LinkedHashMap<>();
        Map<String, List<FakeKong.PluginConfig>> plugins = new TreeMap<>(
                Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        routes.forEach((path, configs) -> {
            List<FakeKong.PluginConfig> list = new ArrayList<>();
            configs.forEach((name, config) -> list.add(
                    kongs.computeIfAbsent(sockets.get(name), FakeKong::connect).plugin(name, DemoRoute.json(config))));
            plugins.put(path, list);
        });
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        JavaFront front = new JavaFront(http, List.copyOf(kongs.values()), plugins);
        http.createContext("/", front::handle);
        http.start();
        return front;
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Optional<List<FakeKong.PluginConfig>> route = routes.entrySet().stream()
                    .filter(r -> path.startsWith(r.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst();
            if (route.isEmpty()) {
                reply(exchange, 404, Map.of(), json("no Route matched with those values"));
                return;
            }
            CannedRequest request = request(exchange);
            for (FakeKong.PluginConfig plugin : route.get()) {
                Exchange result;
                try {
                    result = plugin.access(request);
                } catch (RuntimeException e) {
                    System.out.println("kong front: " + e.getMessage());
                    reply(exchange, 500, Map.of(), json("An unexpected error occurred"));
                    return;
                }
                if (result.exitStatus() != null) {
                    byte[] body = result.exitBody() == null ? new byte[0] : result.exitBody();
                    reply(exchange, result.exitStatus(), result.exitHeaders(), body);
                    return;
                }
                if (result.aborted()) {
                    reply(exchange, 500, Map.of(), json("An unexpected error occurred"));
                    return;
                }
            }
            // No plugin ended the request (or one failed: Kong goes on); a service-less route has nowhere to go.
            reply(exchange, 503, Map.of(), json("no Service found with those values"));
        }
    }

    private static CannedRequest request(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String target = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        CannedRequest request = CannedRequest.get(target)
                .method(exchange.getRequestMethod())
                .clientIp(exchange.getRemoteAddress().getAddress().getHostAddress());
        exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        try (InputStream in = exchange.getRequestBody()) {
            request.body(in.readAllBytes());
        }
        return request;
    }

    private static void reply(HttpExchange exchange, int status, Map<String, Object> headers, byte[] body)
            throws IOException {
        headers.forEach((name, value) -> {
            List<?> values = value instanceof List<?> l ? l : List.of(value);
            values.forEach(v -> exchange.getResponseHeaders().add(name, String.valueOf(v)));
        });
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        }
        exchange.getResponseHeaders().add("Server", "kafka-upstream-demo (FakeKong)");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] json(String message) {
        return ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.stop(0);
        kongs.forEach(FakeKong::close);
    }
}
