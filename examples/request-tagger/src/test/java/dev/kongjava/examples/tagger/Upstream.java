package dev.kongjava.examples.tagger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The upstream service of a test route: answers 200 and keeps the headers of the last request per path. */
final class Upstream implements AutoCloseable {
    private final HttpServer http;
    private final Map<String, Map<String, List<String>>> received = new ConcurrentHashMap<>();

    private Upstream(HttpServer http) {
        this.http = http;
    }

    static Upstream start() throws IOException {
        Upstream upstream = new Upstream(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16));
        upstream.http.createContext("/", upstream::handle);
        upstream.http.start();
        return upstream;
    }

    int port() {
        return http.getAddress().getPort();
    }

    /** The headers, by lower-case name, of the last request for {@code path}; null if none came. */
    Map<String, List<String>> headers(String path) {
        return received.get(path);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            received.put(exchange.getRequestURI().getPath(), headers);
            byte[] body = "upstream ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
