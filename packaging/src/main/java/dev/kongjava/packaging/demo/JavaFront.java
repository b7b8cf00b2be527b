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
import java.util.List;
import java.util.Map;

/**
 * A Kong stand-in for machines without nginx and the Lua module: a JDK HTTP server that runs each
 * request on the route through the plugin's access phase with {@link FakeKong}, over the real socket
 * and MessagePack protocol, and answers as Kong does (the plugin's {@code kong.response.exit}, 404
 * for no route, 503 for a service-less route the plugin did not end, 500 when Kong would raise).
 */
final class JavaFront implements AutoCloseable {
    private final HttpServer http;
    private final FakeKong kong;
    private final FakeKong.PluginConfig plugin;

    private JavaFront(HttpServer http, FakeKong kong, FakeKong.PluginConfig plugin) {
        this.http = http;
        this.kong = kong;
        this.plugin = plugin;
    }

    static JavaFront start(int port, Path socket, String pluginConfigJson) throws IOException {
        FakeKong kong = FakeKong.connect(socket);
        FakeKong.PluginConfig plugin = kong.plugin(DemoRoute.PLUGIN, pluginConfigJson);
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        JavaFront front = new JavaFront(http, kong, plugin);
        http.createContext("/", front::handle);
        http.start();
        return front;
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            if (!uri.getRawPath().startsWith(DemoRoute.PATH)) {
                reply(exchange, 404, Map.of(), json("no Route matched with those values"));
                return;
            }
            Exchange result;
            try {
                result = plugin.access(request(exchange));
            } catch (RuntimeException e) {
                System.out.println("kong front: " + e.getMessage());
                reply(exchange, 500, Map.of(), json("An unexpected error occurred"));
                return;
            }
            if (result.exitStatus() != null) {
                byte[] body = result.exitBody() == null ? new byte[0] : result.exitBody();
                reply(exchange, result.exitStatus(), result.exitHeaders(), body);
            } else if (result.aborted()) {
                reply(exchange, 500, Map.of(), json("An unexpected error occurred"));
            } else {
                // The plugin did not end the request (or failed): Kong goes on, and a service-less route has nowhere to go.
                reply(exchange, 503, Map.of(), json("no Service found with those values"));
            }
        }
    }

    private static CannedRequest request(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String target = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        CannedRequest request = CannedRequest.get(target).method(exchange.getRequestMethod())
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
        kong.close();
    }
}
