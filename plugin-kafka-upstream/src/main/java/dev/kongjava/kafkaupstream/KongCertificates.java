package dev.kongjava.kafkaupstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a Kong Certificate entity ({@code security.certificate_id}) through Kong's Admin API,
 * {@code GET /certificates/{id}}, into a client certificate for mTLS. Answers are cached, so many
 * Kong workers starting instances do not each ask; failures are cached briefly so a broken Admin
 * API is not hammered by every request.
 */
final class KongCertificates {
    static final Duration TTL = Duration.ofMinutes(5);
    static final Duration FAILURE_TTL = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A certificate could not be had; the message is safe to show to a client. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private record Entry(ClientCertificate certificate, String failure, long expiresNanos) {}

    private final URI adminUrl;
    private final String token;
    private final HttpClient http;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    /** @param token the Kong-Admin-Token header value (Kong Enterprise RBAC), or null */
    KongCertificates(URI adminUrl, String token) {
        this.adminUrl = adminUrl;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    ClientCertificate get(String id) throws Unavailable {
        Entry entry = cache.get(id);
        if (entry == null || System.nanoTime() - entry.expiresNanos() > 0) {
            entry = fetch(id);
            cache.put(id, entry);
        }
        if (entry.failure() != null) {
            throw new Unavailable(entry.failure());
        }
        return entry.certificate();
    }

    private Entry fetch(String id) {
        String prefix = "could not load certificate " + id + ": ";
        try {
            ClientCertificate certificate = parse(id, request(id));
            return new Entry(certificate, null, System.nanoTime() + TTL.toNanos());
        } catch (Unavailable e) {
            return new Entry(null, prefix + e.getMessage(), System.nanoTime() + FAILURE_TTL.toNanos());
        }
    }

    private String request(String id) throws Unavailable {
        URI uri = adminUrl.resolve(adminUrl.getPath().endsWith("/") ? "certificates/" + id : "/certificates/" + id);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Kong-Admin-Token", token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("Kong Admin API at " + adminUrl + " is unreachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking the Kong Admin API");
        }
        if (response.statusCode() == 404) {
            throw new Unavailable("no such Certificate in Kong (Admin API " + adminUrl + ")");
        }
        if (response.statusCode() != 200) {
            throw new Unavailable("Kong Admin API answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    private static ClientCertificate parse(String id, String body) throws Unavailable {
        try {
            JsonNode node = JSON.readTree(body);
            String cert = node.path("cert").asText(null);
            String key = node.path("key").asText(null);
            if (cert == null || key == null) {
                throw new Unavailable("the Certificate has no cert or key");
            }
            return new ClientCertificate(id, cert, PemKeys.toPkcs8Pem(key));
        } catch (IOException e) {
            throw new Unavailable("the Kong Admin API answer is not JSON");
        } catch (GeneralSecurityException e) {
            throw new Unavailable(e.getMessage());
        }
    }
}
