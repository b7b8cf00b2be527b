package dev.kongjava.testkit.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kongjava.testkit.oauth.OAuthServer;
import dev.kongjava.testkit.oauth.TokenMode;
import dev.kongjava.testkit.oauth.TokenRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.LoginException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * SASL OAUTHBEARER end to end: kafka-clients' own login handler fetches a JWT from the test
 * authorization server (client_credentials), and the broker checks it with Kafka's JWKS validator.
 */
class OAuthBearerIT {
    private static final String CLIENT = "kong";
    private static final String SECRET = "kong-client-secret-4711";
    private static final String LOGIN_MODULE = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";
    private static final String LOGIN_HANDLER =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler";

    private static OAuthServer oauth;
    private static KafkaBroker broker;

    private String topic;

    @BeforeAll
    static void start() {
        oauth = OAuthServer.builder()
                .client(CLIENT, SECRET)
                .client("intruder", "intruder-secret")
                .start();
        broker = KafkaBroker.builder().security(true).oauthBearer(oauth).start();
        // What a plugin server has to do for its token endpoint (the broker allowed its JWKS URL).
        OAuthBearerConfig.allowUrl(oauth.tokenEndpointUrl());
    }

    @AfterAll
    static void stop() {
        try (OAuthServer o = oauth;
                KafkaBroker b = broker) {
            // closes both, even if one fails
        }
    }

    @BeforeEach
    void createTopic(TestInfo test) {
        topic = test.getTestMethod().orElseThrow().getName();
        broker.createTopic(topic, 1);
    }

    @AfterEach
    void issueValidTokens() {
        oauth.mode(TokenMode.VALID);
    }

    @Test
    void aClientCredentialsLoginOnSaslPlaintextProducesAndAsksTheTokenEndpointOnce() throws Exception {
        int before = oauth.requests().size();

        TestProducer.sendOnce(oauthLogin(Listener.SASL_PLAINTEXT, CLIENT, SECRET), topic, "oauth");

        assertEquals(List.of("oauth"), TestRecords.values(broker.readRecords(topic, 1, Duration.ofSeconds(10))));
        assertEquals(
                List.of(new TokenRequest(CLIENT, "client_credentials", "kafka.produce", 200)),
                oauth.requests().subList(before, oauth.requests().size()));
        assertEquals(new OAuthLogin(CLIENT, Map.of()), broker.oauthLogins().getLast());
    }

    @Test
    void aClientCredentialsLoginOnSaslSslProduces() throws Exception {
        TestProducer.sendOnce(oauthLogin(Listener.SASL_SSL, CLIENT, SECRET), topic, "oauth over tls");

        assertEquals(
                List.of("oauth over tls"), TestRecords.values(broker.readRecords(topic, 1, Duration.ofSeconds(10))));
    }

    /** Confluent Cloud's logicalCluster and identityPoolId travel as SASL extensions (JAAS options). */
    @Test
    void saslExtensionsFromTheJaasOptionsReachTheBroker() throws Exception {
        Map<String, Object> settings = oauthLogin(Listener.SASL_PLAINTEXT, CLIENT, SECRET);
        settings.put(
                "sasl.jaas.config",
                LOGIN_MODULE + " required extension_logicalCluster=\"lkc-42\" extension_identityPoolId=\"pool-7\";");

        TestProducer.sendOnce(settings, topic, "with extensions");

        assertEquals(
                new OAuthLogin(CLIENT, Map.of("logicalCluster", "lkc-42", "identityPoolId", "pool-7")),
                broker.oauthLogins().getLast());
    }

    @Test
    void theBrokerKnowsTheClientAsTheUserNamedByTheTokensSubject() throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties(Listener.PLAINTEXT))) {
            AclBinding kongMayWrite = new AclBinding(
                    new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                    new AccessControlEntry("User:" + CLIENT, "*", AclOperation.WRITE, AclPermissionType.ALLOW));
            admin.createAcls(List.of(kongMayWrite)).all().get();
        }

        Exception intruder =
                TestProducer.failOnce(oauthLogin(Listener.SASL_PLAINTEXT, "intruder", "intruder-secret"), topic, "x");

        assertInstanceOf(TopicAuthorizationException.class, intruder);
        TestProducer.sendOnce(oauthLogin(Listener.SASL_PLAINTEXT, CLIENT, SECRET), topic, "kong may");
    }

    @Test
    void aTokenSignedWithAKeyOutsideTheJwksIsRefusedWithSaslAuthenticationException() throws Exception {
        oauth.mode(TokenMode.WRONG_KEY);

        Exception failure = TestProducer.failOnce(oauthLogin(Listener.SASL_PLAINTEXT, CLIENT, SECRET), topic, "x");

        assertInstanceOf(SaslAuthenticationException.class, failure);
        assertEquals("{\"status\":\"invalid_token\"}", failure.getMessage());
        assertEquals(0, broker.countRecords(topic));
    }

    /** The client logs an error about the token's expiry but sends it; the broker refuses it. */
    @Test
    void anExpiredTokenIsRefusedByTheBrokerWithSaslAuthenticationException() throws Exception {
        oauth.mode(TokenMode.EXPIRED);

        Exception failure = TestProducer.failOnce(oauthLogin(Listener.SASL_PLAINTEXT, CLIENT, SECRET), topic, "x");

        assertInstanceOf(SaslAuthenticationException.class, failure);
        assertEquals("{\"status\":\"invalid_token\"}", failure.getMessage());
        assertEquals(0, broker.countRecords(topic));
    }

    /** The login happens when the producer is created, so a refused token request fails the constructor. */
    @Test
    void aWrongClientSecretFailsTheProducersConstructionWithoutShowingTheSecret() {
        String wrongSecret = "not-the-secret-0815";

        KafkaException failure = assertThrows(
                KafkaException.class,
                () -> new TestProducer(oauthLogin(Listener.SASL_PLAINTEXT, CLIENT, wrongSecret)).close());

        assertEquals("Failed to construct kafka producer", failure.getMessage());
        LoginException login = assertInstanceOf(
                LoginException.class, failure.getCause().getCause().getCause());
        // Kafka appends the cause's stack trace to this message; its first line is the reason.
        assertEquals(
                "org.apache.kafka.common.KafkaException: org.apache.kafka.common.security.oauthbearer.internals."
                        + "secured.UnretryableException: java.io.IOException: The response code 401 and error response "
                        + "{\"invalid_client\" - \"unknown client or wrong secret\"} was encountered reading the token "
                        + "endpoint response; will not attempt further retries",
                login.getMessage().lines().findFirst().orElseThrow());
        assertFalse(chain(failure).contains(wrongSecret), chain(failure));
        assertEquals(
                new TokenRequest(CLIENT, "client_credentials", "kafka.produce", 401),
                oauth.requests().getLast());
    }

    @Test
    void aTokenEndpointMissingFromTheAllowedUrlsFailsTheProducerWithConfigException() {
        String allowed = System.getProperty(OAuthBearerConfig.ALLOWED_URLS);
        System.setProperty(OAuthBearerConfig.ALLOWED_URLS, oauth.jwksUrl());
        try {
            KafkaException failure = assertThrows(
                    KafkaException.class,
                    () -> new TestProducer(oauthLogin(Listener.SASL_PLAINTEXT, CLIENT, SECRET)).close());

            ConfigException config = assertInstanceOf(
                    ConfigException.class, failure.getCause().getCause().getCause());
            assertEquals(
                    "The class org.apache.kafka.common.security.oauthbearer.DefaultJwtRetriever defined in the "
                            + "sasl.oauthbearer.jwt.retriever.class configuration encountered an error on configure(): "
                            + "Invalid value " + oauth.tokenEndpointUrl() + " for configuration "
                            + "sasl.oauthbearer.token.endpoint.url: The URL cannot be accessed due to restrictions. Update "
                            + "the system property 'org.apache.kafka.sasl.oauthbearer.allowed.urls' to allow the URL to be "
                            + "accessed.",
                    config.getMessage());
        } finally {
            System.setProperty(OAuthBearerConfig.ALLOWED_URLS, allowed);
        }
    }

    /**
     * What a plugin would set: kafka-clients' login handler and the client_credentials settings of
     * Kafka 4.1+ (the clientId, clientSecret and scope JAAS options still work but log a deprecation
     * warning per client); JAAS options remain the place for SASL extensions.
     */
    private static Map<String, Object> oauthLogin(Listener listener, String clientId, String secret) {
        Map<String, Object> settings = new HashMap<>(broker.clientProperties(listener));
        settings.put("sasl.mechanism", "OAUTHBEARER");
        settings.put("sasl.login.callback.handler.class", LOGIN_HANDLER);
        settings.put("sasl.jaas.config", LOGIN_MODULE + " required;");
        settings.put("sasl.oauthbearer.token.endpoint.url", oauth.tokenEndpointUrl());
        settings.put("sasl.oauthbearer.client.credentials.client.id", clientId);
        settings.put("sasl.oauthbearer.client.credentials.client.secret", secret);
        settings.put("sasl.oauthbearer.scope", "kafka.produce");
        return settings;
    }

    private static String chain(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t.getClass().getName())
                    .append(": ")
                    .append(t.getMessage())
                    .append('\n');
        }
        return messages.toString();
    }
}
