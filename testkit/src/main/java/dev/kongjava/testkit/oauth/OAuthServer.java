package dev.kongjava.testkit.oauth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kongjava.testkit.kafka.TlsMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An OAuth 2.0 authorization server for tests, on a free 127.0.0.1 port: a token endpoint for the
 * {@code client_credentials} grant that issues RS256 JWTs, and the JWKS that verifies them.
 *
 * <pre>{@code
 * try (OAuthServer oauth = OAuthServer.builder().client("kong", "kong-secret").start();
 *      KafkaBroker kafka = KafkaBroker.builder().oauthBearer(oauth).start()) {
 *   // a client logs in with sasl.oauthbearer.token.endpoint.url = oauth.tokenEndpointUrl()
 * }
 * }</pre>
 *
 * <p>Clients authenticate with HTTP Basic ({@code client_secret_basic}) or with {@code client_id}
 * and {@code client_secret} form parameters ({@code client_secret_post}). A token's {@code sub} is
 * the client id, its {@code scope} the requested scopes, its {@code aud} the server's audience and
 * its {@code iss} {@link #issuer()}. {@link #mode(TokenMode)} makes it issue expired or wrongly
 * signed tokens. A token without requested scopes has no {@code scope} claim (Kafka's client
 * refuses an empty one). {@link Builder#https()} adds the token endpoint on a second port over TLS,
 * with the test kit's broker certificate ({@link TlsMaterial}: {@code localhost} and {@code 127.0.0.1},
 * signed by a CA no JVM trusts by default).
 */
public final class OAuthServer implements AutoCloseable {
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpServer server;
    private final HttpsServer httpsServer;
    private final Map<String, String> clients;
    private final String audience;
    private final Duration tokenLifetime;
    private final JwtSigner signer = new JwtSigner();
    private final List<TokenRequest> requests = new ArrayList<>();
    private volatile TokenMode mode = TokenMode.VALID;

    private OAuthServer(Builder builder) {
        clients = Map.copyOf(builder.clients);
        audience = builder.audience;
        tokenLifetime = builder.tokenLifetime;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the OAuth test server on 127.0.0.1", e);
        }
        server.createContext("/token", this::token);
        server.createContext("/jwks", exchange -> answer(exchange, 200, signer.jwks()));
        server.start();
        httpsServer = builder.https ? httpsTokenEndpoint() : null;
    }

    private HttpsServer httpsTokenEndpoint() {
        TlsMaterial tls = TlsMaterial.get();
        try (InputStream in = Files.newInputStream(tls.brokerKeystore())) {
            KeyStore keys = KeyStore.getInstance(tls.storeType());
            keys.load(in, tls.password().toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, tls.password().toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            https.setHttpsConfigurator(new HttpsConfigurator(context));
            https.createContext("/token", this::token);
            https.start();
            return https;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the OAuth test server's TLS port", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test kit's broker keystore", e);
        }
    }

    /**
     * Starts describing a server; {@link Builder#start()} starts it.
     *
     * @return a builder with no clients, audience {@code kafka} and one-hour tokens
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The issuer, the {@code iss} of every token.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The token endpoint, what a client's {@code sasl.oauthbearer.token.endpoint.url} names.
     *
     * @return {@code <issuer>/token}
     */
    public String tokenEndpointUrl() {
        return issuer() + "/token";
    }

    /**
     * The token endpoint over TLS (the tokens are the same, issuer included).
     *
     * @return {@code https://127.0.0.1:<tls port>/token}
     * @throws IllegalStateException unless the server was built with {@link Builder#https()}
     */
    public String httpsTokenEndpointUrl() {
        if (httpsServer == null) {
            throw new IllegalStateException("this OAuth server has no TLS port; build it with https()");
        }
        return "https://127.0.0.1:" + httpsServer.getAddress().getPort() + "/token";
    }

    /**
     * The JSON Web Key Set with the signing key, what a broker's {@code sasl.oauthbearer.jwks.endpoint.url} names.
     *
     * @return {@code <issuer>/jwks}
     */
    public String jwksUrl() {
        return issuer() + "/jwks";
    }

    /**
     * The {@code aud} claim of every token, what a broker's {@code sasl.oauthbearer.expected.audience} names.
     *
     * @return the audience
     */
    public String audience() {
        return audience;
    }

    /**
     * Chooses what the token endpoint issues from now on.
     *
     * @param mode valid, expired or wrongly signed tokens
     */
    public void mode(TokenMode mode) {
        this.mode = mode;
    }

    /**
     * Every token request so far, in order, without secrets.
     *
     * @return an immutable copy
     */
    public synchronized List<TokenRequest> requests() {
        return List.copyOf(requests);
    }

    /** Stops the server at once. */
    @Override
    public void close() {
        server.stop(0);
        if (httpsServer != null) {
            httpsServer.stop(0);
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                answer(exchange, 405, error("invalid_request", "the token endpoint takes POST"));
                return;
            }
            TokenForm form = TokenForm.read(exchange, MAX_BODY_BYTES);
            int status;
            String body;
            if (!"client_credentials".equals(form.grantType())) {
                status = 400;
                body = error("unsupported_grant_type", "only client_credentials is supported");
            } else if (mode == TokenMode.UNAVAILABLE) {
                status = 503;
                body = error("temporarily_unavailable", "the authorization server is down for a while");
            } else if (!form.clientSecret().equals(clients.get(form.clientId()))) {
                status = 401;
                body = error("invalid_client", "unknown client or wrong secret");
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"testkit\"");
            } else {
                status = 200;
                body = tokenResponse(form);
            }
            // Recorded before the answer goes out, so a client that has its answer finds it in requests().
            synchronized (this) {
                requests.add(new TokenRequest(form.clientId(), form.grantType(), form.scope(), status));
            }
            answer(exchange, status, body);
        }
    }

    private String tokenResponse(TokenForm form) {
        TokenMode current = mode;
        Instant issuedAt = current == TokenMode.EXPIRED
                ? Instant.now().minus(tokenLifetime).minus(Duration.ofMinutes(5))
                : Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("sub", form.clientId());
        claims.put("aud", audience);
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("exp", issuedAt.plus(tokenLifetime).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        if (!form.scope().isEmpty()) {
            claims.put("scope", form.scope()); // an empty claim would be refused by clients: no scope, no claim
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", signer.sign(claims, current != TokenMode.WRONG_KEY));
        body.put("token_type", "Bearer");
        body.put("expires_in", tokenLifetime.toSeconds());
        if (!form.scope().isEmpty()) {
            body.put("scope", form.scope());
        }
        return JwtSigner.toJson(body);
    }

    private static String error(String code, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        return JwtSigner.toJson(body);
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Describes a server to start: its clients, the tokens' audience and lifetime. */
    public static final class Builder {
        private final Map<String, String> clients = new LinkedHashMap<>();
        private String audience = "kafka";
        private Duration tokenLifetime = Duration.ofHours(1);
        private boolean https;

        private Builder() {}

        /**
         * Also serves the token endpoint over TLS, see {@link OAuthServer#httpsTokenEndpointUrl()}.
         *
         * @return this builder
         */
        public Builder https() {
            this.https = true;
            return this;
        }

        /**
         * Registers a client for the {@code client_credentials} grant.
         *
         * @param id the client id, the {@code sub} of its tokens
         * @param secret its secret
         * @return this builder
         */
        public Builder client(String id, String secret) {
            clients.put(id, secret);
            return this;
        }

        /**
         * Sets the {@code aud} claim of every token.
         *
         * @param audience the audience
         * @return this builder
         */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /**
         * Sets how long a token is valid ({@code expires_in} and {@code exp - iat}).
         *
         * @param lifetime the lifetime, at least one second
         * @return this builder
         */
        public Builder tokenLifetime(Duration lifetime) {
            if (lifetime.toSeconds() < 1) {
                throw new IllegalArgumentException("token lifetime must be at least 1 s, was " + lifetime);
            }
            this.tokenLifetime = lifetime;
            return this;
        }

        /**
         * Generates the signing keys and starts serving.
         *
         * @return the running server; close it to stop it
         */
        public OAuthServer start() {
            return new OAuthServer(this);
        }
    }
}
