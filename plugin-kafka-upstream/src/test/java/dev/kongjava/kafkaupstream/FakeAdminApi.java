package dev.kongjava.kafkaupstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A stand-in for Kong's Admin API serving {@code GET /certificates/{id}} and {@code /ca_certificates/{id}}. */
final class FakeAdminApi implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Map<String, String>> certificates = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    volatile String lastToken;
    volatile String lastAuthorization;

    FakeAdminApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            lastToken = exchange.getRequestHeaders().getFirst("Kong-Admin-Token");
            lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
            Map<String, String> cert = certificates.get(exchange.getRequestURI().getPath());
            byte[] body = cert == null
                    ? "{\"message\":\"Not found\"}".getBytes(StandardCharsets.UTF_8)
                    : new ObjectMapper().writeValueAsBytes(cert);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(cert == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    void put(String id, String certPem, String keyPem) {
        certificates.put("/certificates/" + id, Map.of("id", id, "cert", certPem, "key", keyPem));
    }

    void putCa(String id, String certPem) {
        certificates.put("/ca_certificates/" + id, Map.of("id", id, "cert", certPem));
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
