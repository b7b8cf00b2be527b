package dev.kongjava.testkit.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.oauth.OAuthServer;
import dev.kongjava.testkit.oauth.TokenMode;
import dev.kongjava.testkit.oauth.TokenRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A registry that requires a login, as the plugin's {@code authentication.mode} basic and oauth2
 * will meet it: HTTP Basic with an OAuth client's id and secret, or a bearer token from the token
 * endpoint. Requests go over plain HTTP as the plugin's would.
 */
class SchemaRegistryAuthIT {
    private static final String HARNESS = "harness";
    private static final String HARNESS_SECRET = "harness-secret-1";
    private static final String PLUGIN = "kong-registry-client";
    private static final String PLUGIN_SECRET = "registry-secret-2";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String NOT_AUTHENTICATED = "{\"message\":\"User is not authenticated.\",\"error_code\":0}";

    private static OAuthServer oauth;
    private static SchemaRegistryServer registry;
    private static int schemaId;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    @BeforeAll
    static void start() {
        oauth = OAuthServer.builder()
                .client(HARNESS, HARNESS_SECRET)
                .client(PLUGIN, PLUGIN_SECRET)
                .audience("schema-registry")
                .start();
        registry = SchemaRegistryServer.builder()
                .oauth(oauth, HARNESS, HARNESS_SECRET)
                .start();
        schemaId = registry.register("secured-value", SchemaType.AVRO, "\"string\"");
    }

    @AfterAll
    static void stop() {
        try (OAuthServer o = oauth;
                SchemaRegistryServer r = registry) {
            // closes both, even if one fails
        }
    }

    @AfterEach
    void issueValidTokens() {
        oauth.mode(TokenMode.VALID);
    }

    @Test
    void aRequestWithoutCredentialsIs401() throws Exception {
        HttpResponse<String> response = getSchema(null);

        assertEquals(401, response.statusCode());
        assertEquals(NOT_AUTHENTICATED, response.body());
    }

    @Test
    void basicCredentialsOfAnOAuthClientAreExchangedForATokenAndAccepted() throws Exception {
        HttpResponse<String> response = getSchema(basic(PLUGIN, PLUGIN_SECRET));

        assertEquals(200, response.statusCode());
        assertEquals("{\"schema\":\"\\\"string\\\"\"}", response.body());
        assertEquals(new TokenRequest(PLUGIN, "client_credentials", "", 200), lastRequestOf(PLUGIN));
    }

    @Test
    void basicCredentialsWithAWrongSecretAre401() throws Exception {
        HttpResponse<String> response = getSchema(basic(PLUGIN, "wrong-secret"));

        assertEquals(401, response.statusCode());
        assertEquals(NOT_AUTHENTICATED, response.body());
    }

    @Test
    void aBearerTokenFromTheTokenEndpointIsAccepted() throws Exception {
        HttpResponse<String> response = getSchema("Bearer " + token());

        assertEquals(200, response.statusCode());
    }

    @Test
    void aBearerTokenSignedWithAKeyOutsideTheJwksIs401() throws Exception {
        oauth.mode(TokenMode.WRONG_KEY);

        HttpResponse<String> response = getSchema("Bearer " + token());

        assertEquals(401, response.statusCode());
    }

    @Test
    void anExpiredBearerTokenIs401() throws Exception {
        oauth.mode(TokenMode.EXPIRED);

        HttpResponse<String> response = getSchema("Bearer " + token());

        assertEquals(401, response.statusCode());
    }

    @Test
    void theDecoderLogsInToTheSecuredRegistry() {
        byte[] payload = {6, 'i', 'n', 'k'}; // Avro string: zig-zag length 3, then the bytes
        byte[] framed = ByteBuffer.allocate(5 + payload.length)
                .put((byte) 0)
                .putInt(schemaId)
                .put(payload)
                .array();

        assertEquals("ink", registry.decoder().avro(framed).toString());
    }

    private HttpResponse<String> getSchema(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(registry.confluentUrl() + "/schemas/ids/" + schemaId))
                .timeout(TIMEOUT)
                .GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(oauth.tokenEndpointUrl()))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id=" + PLUGIN + "&client_secret=" + PLUGIN_SECRET))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body()).path("access_token").asText();
    }

    private static TokenRequest lastRequestOf(String clientId) {
        return oauth.requests().stream()
                .filter(r -> r.clientId().equals(clientId))
                .reduce((a, b) -> b)
                .orElseThrow();
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
