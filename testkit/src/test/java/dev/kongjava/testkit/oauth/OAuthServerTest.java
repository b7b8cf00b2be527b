package dev.kongjava.testkit.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.kafka.TlsMaterial;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.InvalidJwtSignatureException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token endpoint and JWKS over real HTTP; tokens are checked with jose4j, not with our own code. */
class OAuthServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static OAuthServer oauth;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private int requestsBefore;

    /** One server for the class: generating its RSA keys is the slow part. */
    @BeforeAll
    static void start() {
        oauth = OAuthServer.builder()
                .client("kong", "s3cret")
                .audience("kafka-test")
                .tokenLifetime(Duration.ofMinutes(10))
                .https()
                .start();
    }

    @AfterAll
    static void stop() {
        oauth.close();
    }

    @BeforeEach
    void countRequests() {
        requestsBefore = oauth.requests().size();
    }

    @AfterEach
    void issueValidTokens() {
        oauth.mode(TokenMode.VALID);
    }

    @Test
    void aClientCredentialsGrantWithBasicAuthIssuesAnRs256JwtThatTheJwksVerifies() throws Exception {
        HttpResponse<String> response =
                tokenRequest(basic("kong", "s3cret"), "grant_type=client_credentials&scope=a%20b");

        assertEquals(200, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("Bearer", body.path("token_type").asText());
        assertEquals(600, body.path("expires_in").asLong());
        assertEquals("a b", body.path("scope").asText());
        JwtClaims claims = verifier().processToClaims(body.path("access_token").asText());
        assertEquals(oauth.issuer(), claims.getIssuer());
        assertEquals(List.of("kafka-test"), claims.getAudience());
        assertEquals("kong", claims.getSubject());
        assertEquals("a b", claims.getStringClaimValue("scope"));
        assertEquals(
                600,
                claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue());
        assertEquals(List.of(new TokenRequest("kong", "client_credentials", "a b", 200)), newRequests());
    }

    @Test
    void clientCredentialsInTheFormAreAcceptedToo() throws Exception {
        HttpResponse<String> response =
                tokenRequest(null, "grant_type=client_credentials&client_id=kong&client_secret=s3cret");

        assertEquals(200, response.statusCode());
        assertEquals("kong", verifier().processToClaims(accessToken(response)).getSubject());
    }

    @Test
    void aWrongSecretIsA401InvalidClient() throws Exception {
        HttpResponse<String> response = tokenRequest(basic("kong", "wrong"), "grant_type=client_credentials");

        assertEquals(401, response.statusCode());
        assertEquals(
                "{\"error\":\"invalid_client\",\"error_description\":\"unknown client or wrong secret\"}",
                response.body());
        assertEquals(List.of(new TokenRequest("kong", "client_credentials", "", 401)), newRequests());
    }

    @Test
    void anotherGrantTypeIsA400UnsupportedGrantType() throws Exception {
        HttpResponse<String> response = tokenRequest(basic("kong", "s3cret"), "grant_type=password");

        assertEquals(400, response.statusCode());
        assertEquals(
                "unsupported_grant_type",
                JSON.readTree(response.body()).path("error").asText());
    }

    @Test
    void aGetOnTheTokenEndpointIsA405() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(oauth.tokenEndpointUrl()))
                        .timeout(TIMEOUT)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(405, response.statusCode());
        assertEquals("POST", response.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void expiredModeIssuesATokenThatExpiredMinutesAgo() throws Exception {
        oauth.mode(TokenMode.EXPIRED);

        String token = accessToken(tokenRequest(basic("kong", "s3cret"), "grant_type=client_credentials"));

        InvalidJwtException refused =
                assertThrows(InvalidJwtException.class, () -> verifier().processToClaims(token));
        assertTrue(refused.hasExpired(), refused.getMessage());
        JwtClaims claims = refused.getJwtContext().getJwtClaims();
        assertTrue(claims.getExpirationTime().getValue()
                <= Instant.now().minus(Duration.ofMinutes(5)).getEpochSecond());
    }

    @Test
    void wrongKeyModeIssuesATokenWhoseSignatureTheJwksDoesNotVerify() throws Exception {
        oauth.mode(TokenMode.WRONG_KEY);

        String token = accessToken(tokenRequest(basic("kong", "s3cret"), "grant_type=client_credentials"));

        assertInstanceOf(
                InvalidJwtSignatureException.class,
                assertThrows(InvalidJwtException.class, () -> verifier().processToClaims(token)));
    }

    @Test
    void aTokenWithoutRequestedScopesHasNoScopeClaim() throws Exception {
        HttpResponse<String> response = tokenRequest(basic("kong", "s3cret"), "grant_type=client_credentials");

        assertTrue(JSON.readTree(response.body()).path("scope").isMissingNode(), response.body());
        assertEquals(false, verifier().processToClaims(accessToken(response)).hasClaim("scope"));
    }

    @Test
    void unavailableModeAnswersEveryRequestWith503() throws Exception {
        oauth.mode(TokenMode.UNAVAILABLE);

        HttpResponse<String> response = tokenRequest(basic("kong", "s3cret"), "grant_type=client_credentials");

        assertEquals(503, response.statusCode());
        assertEquals(
                "{\"error\":\"temporarily_unavailable\",\"error_description\":\"the authorization server is down "
                        + "for a while\"}",
                response.body());
        assertEquals(List.of(new TokenRequest("kong", "client_credentials", "", 503)), newRequests());
    }

    /** The TLS port serves the same tokens with a certificate of the test CA, which a client must trust explicitly. */
    @Test
    void theTlsTokenEndpointIssuesTheSameTokensUnderTheTestCa() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(TlsMaterial.get().truststore())) {
            trust.load(in, TlsMaterial.get().password().toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        HttpClient tls = HttpClient.newBuilder()
                .sslContext(context)
                .connectTimeout(TIMEOUT)
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(oauth.httpsTokenEndpointUrl()))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic("kong", "s3cret"))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();

        String token = accessToken(tls.send(request, HttpResponse.BodyHandlers.ofString()));

        assertEquals("kong", verifier().processToClaims(token).getSubject());
        assertThrows(
                javax.net.ssl.SSLHandshakeException.class,
                () -> http.send(request, HttpResponse.BodyHandlers.ofString()),
                "the JVM's trust store lacks the test CA");
    }

    private List<TokenRequest> newRequests() {
        List<TokenRequest> all = oauth.requests();
        return all.subList(requestsBefore, all.size());
    }

    private JwtConsumer verifier() throws Exception {
        HttpResponse<String> jwks = http.send(
                HttpRequest.newBuilder(URI.create(oauth.jwksUrl()))
                        .timeout(TIMEOUT)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver(
                        new JwksVerificationKeyResolver(new JsonWebKeySet(jwks.body()).getJsonWebKeys()))
                .setExpectedIssuer(oauth.issuer())
                .setExpectedAudience("kafka-test")
                .setRequireExpirationTime()
                .build();
    }

    private HttpResponse<String> tokenRequest(String authorization, String form) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(oauth.tokenEndpointUrl()))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String accessToken(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
