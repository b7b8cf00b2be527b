package dev.kongjava.kafkaupstream.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.kafkaupstream.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves Kong Certificate entities ({@code security.certificate_id}, {@code GET /certificates/{id}})
 * into client certificates for mTLS, and CA Certificate entities ({@code security.ca_certificates},
 * {@code GET /ca_certificates/{id}}) into trusted CAs, through Kong's Admin API. Answers are cached, so many
 * Kong workers starting instances do not each ask; failures are cached briefly so a broken Admin
 * API is not hammered by every request.
 */
public final class KongCertificates {
    static final Duration TTL = Duration.ofMinutes(5);
    static final Duration FAILURE_TTL = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = Json.MAPPER;

    private record Entry(JsonNode entity, String failure, long expiresNanos) {}

    /** The Admin API without userinfo: what requests go to, and what messages may show. */
    private final URI adminUrl;
    /** {@code Basic <base64>} from the URL's userinfo, or null. */
    private final String basicAuth;

    private final String token;
    private final HttpClient http;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    /**
     * @param adminUrl the Admin API; userinfo in it ({@code http://user:password@host:8001}) is sent
     *     as HTTP basic authentication (e.g. for a proxy in front of the Admin API) and never shown
     * @param token the Kong-Admin-Token header value (Kong Enterprise RBAC), or null
     */
    public KongCertificates(URI adminUrl, String token) {
        String userInfo = adminUrl.getRawUserInfo();
        this.basicAuth = userInfo == null
                ? null
                : "Basic "
                        + Base64.getEncoder()
                                .encodeToString(URLDecoder.decode(userInfo, StandardCharsets.UTF_8)
                                        .getBytes(StandardCharsets.UTF_8));
        this.adminUrl = withoutUserInfo(adminUrl);
        this.token = token;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The client certificate of a Certificate entity, its key converted to PKCS#8. */
    public ClientCertificate clientCertificate(String id) throws CertificateUnavailable {
        JsonNode entity = entity("certificates", id, "certificate");
        String cert = entity.path("cert").asText(null);
        String key = entity.path("key").asText(null);
        if (cert == null || key == null) {
            throw new CertificateUnavailable(
                    "could not load certificate " + id + ": the Certificate has no cert or key");
        }
        try {
            return new ClientCertificate(id, cert, PemKeys.toPkcs8Pem(key));
        } catch (GeneralSecurityException e) {
            throw new CertificateUnavailable("could not load certificate " + id + ": " + e.getMessage());
        }
    }

    /** The PEM of a CA Certificate entity. */
    public String caCertificate(String id) throws CertificateUnavailable {
        String cert =
                entity("ca_certificates", id, "CA certificate").path("cert").asText(null);
        if (cert == null) {
            throw new CertificateUnavailable(
                    "could not load CA certificate " + id + ": the CA Certificate has no cert");
        }
        return cert;
    }

    private JsonNode entity(String collection, String id, String what) throws CertificateUnavailable {
        String path = collection + "/" + id;
        Entry entry = cache.get(path);
        if (entry == null || System.nanoTime() - entry.expiresNanos() > 0) {
            entry = fetch(path, "could not load " + what + " " + id + ": ");
            cache.put(path, entry);
        }
        if (entry.failure() != null) {
            throw new CertificateUnavailable(entry.failure());
        }
        return entry.entity();
    }

    private Entry fetch(String path, String prefix) {
        try {
            return new Entry(JSON.readTree(request(path)), null, System.nanoTime() + TTL.toNanos());
        } catch (CertificateUnavailable e) {
            return new Entry(null, prefix + e.getMessage(), System.nanoTime() + FAILURE_TTL.toNanos());
        } catch (IOException e) {
            return new Entry(
                    null, prefix + "the Kong Admin API answer is not JSON", System.nanoTime() + FAILURE_TTL.toNanos());
        }
    }

    private String request(String path) throws CertificateUnavailable {
        URI uri = adminUrl.resolve(adminUrl.getPath().endsWith("/") ? path : adminUrl.getPath() + "/" + path);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header("Accept", "application/json");
        if (token != null) {
            request.header("Kong-Admin-Token", token);
        }
        if (basicAuth != null) {
            request.header("Authorization", basicAuth);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CertificateUnavailable("Kong Admin API at " + adminUrl + " is unreachable ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CertificateUnavailable("interrupted while asking the Kong Admin API");
        }
        if (response.statusCode() == 404) {
            throw new CertificateUnavailable("not found in Kong (Admin API " + adminUrl + ")");
        }
        if (response.statusCode() != 200) {
            throw new CertificateUnavailable("Kong Admin API answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** The URL with its userinfo (credentials) removed, everything else as given. */
    static URI withoutUserInfo(URI url) {
        if (url.getRawUserInfo() == null) {
            return url;
        }
        String text = url.toString();
        int at = text.indexOf(url.getRawUserInfo() + "@");
        return URI.create(
                text.substring(0, at) + text.substring(at + url.getRawUserInfo().length() + 1));
    }
}
