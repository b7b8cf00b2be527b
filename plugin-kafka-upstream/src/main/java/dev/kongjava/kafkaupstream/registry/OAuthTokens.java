package dev.kongjava.kafkaupstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kongjava.kafkaupstream.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bearer tokens of the OAuth 2.0 client-credentials grant for the registry: one is fetched when
 * none is held or the one held is about to expire, and dropped when the registry refuses it.
 * Neither the secret nor the endpoint's answer ever appears in a message.
 */
final class OAuthTokens {
    /** A token is renewed this long before it expires (or at half its life, if that is shorter). */
    private static final Duration RENEW_BEFORE = Duration.ofSeconds(30);

    private final RegistrySettings.OAuth2 settings;
    private final String what;
    private final ReentrantLock lock = new ReentrantLock();
    private String token;
    private long renewAtNanos;

    OAuthTokens(RegistrySettings.OAuth2 settings) {
        this.settings = settings;
        this.what = "the OAuth2 token endpoint " + settings.tokenEndpoint();
    }

    /** {@code Bearer <token>}, from the endpoint when no usable token is held. */
    String authorization() throws RegistryFailure {
        lock.lock();
        try {
            if (token == null || System.nanoTime() - renewAtNanos >= 0) {
                fetch();
            }
            return "Bearer " + token;
        } finally {
            lock.unlock();
        }
    }

    /** The registry refused the token: the next call fetches a new one. */
    void refused() {
        lock.lock();
        try {
            token = null;
        } finally {
            lock.unlock();
        }
    }

    private void fetch() throws RegistryFailure {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        RegistryHttp.uri(settings.tokenEndpoint(), "oauth2.token_endpoint"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (!settings.scopes().isEmpty()) {
            form.append("&scope=").append(encode(String.join(" ", settings.scopes())));
        }
        settings.audience().forEach(a -> form.append("&audience=").append(encode(a)));
        if (settings.secretInBasicHeader()) {
            // RFC 6749 2.3.1: id and secret are form-encoded before they are joined
            String pair = encode(settings.clientId()) + ":" + encode(settings.clientSecret());
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.append("&client_id=")
                    .append(encode(settings.clientId()))
                    .append("&client_secret=")
                    .append(encode(settings.clientSecret()));
        }
        HttpResponse<byte[]> answer = RegistryHttp.exchange(
                settings.sslVerify(),
                request.POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                        .build(),
                settings.timeout(),
                what);
        if (answer.statusCode() != 200) {
            throw RegistryFailure.upstream(what + " refused the client (HTTP " + answer.statusCode() + ")");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(answer.body());
        } catch (IOException e) {
            json = null;
        }
        if (json == null
                || !json.path("access_token").isTextual()
                || json.path("access_token").asText().isEmpty()) {
            throw RegistryFailure.upstream(what + " answered without an access_token");
        }
        token = json.path("access_token").asText();
        long lifetime = json.path("expires_in").asLong(0);
        // Without expires_in the token is used until the registry refuses it.
        long renewIn = lifetime <= 0
                ? Long.MAX_VALUE / 2
                : Duration.ofSeconds(lifetime)
                        .minus(min(RENEW_BEFORE, Duration.ofSeconds(lifetime).dividedBy(2)))
                        .toNanos();
        renewAtNanos = System.nanoTime() + renewIn;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
