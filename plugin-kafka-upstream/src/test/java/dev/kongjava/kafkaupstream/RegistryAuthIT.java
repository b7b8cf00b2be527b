package dev.kongjava.kafkaupstream;

import static dev.kongjava.kafkaupstream.RegistryConfigs.assertRefused;
import static dev.kongjava.kafkaupstream.RegistryConfigs.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.KongConnection;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.oauth.OAuthServer;
import dev.kongjava.testkit.oauth.TokenRequest;
import dev.kongjava.testkit.registry.SchemaRegistryServer;
import dev.kongjava.testkit.registry.SchemaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A registry that requires a login (Apicurio Registry checking tokens of a real OAuth 2.0 server):
 * {@code authentication.mode} basic (an OAuth client's id and secret, which the registry exchanges
 * for a token) and oauth2 (a client-credentials token from the token endpoint); wrong credentials;
 * and the password and client secret never leaving the server.
 */
class RegistryAuthIT {
    private static final String HARNESS = "harness";
    private static final String HARNESS_SECRET = "Harness-S3cret-5d0e";
    private static final String CLIENT = "kong-registry";
    private static final String SECRET = "Registry-S3cret-7a1f";
    private static final String WRONG_SECRET = "Wr0ng-S3cret-2b9c";
    private static final String SUBJECT = "secured-orders-value";

    private static OAuthServer oauth;
    private static SchemaRegistryServer registry;
    private static KafkaBroker broker;
    private static UpstreamServer server;
    private static String topic;

    @BeforeAll
    static void start() throws Exception {
        oauth = OAuthServer.builder()
                .client(HARNESS, HARNESS_SECRET)
                .client(CLIENT, SECRET)
                .audience("schema-registry")
                .start();
        registry = SchemaRegistryServer.builder()
                .oauth(oauth, HARNESS, HARNESS_SECRET)
                .start();
        registry.register(SUBJECT, SchemaType.AVRO, RegistryConfigs.ORDER_AVRO);
        broker = KafkaBroker.builder().start();
        topic = Configs.topic("secured");
        broker.createTopic(topic, 1);
        server = UpstreamServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try (OAuthServer o = oauth;
                SchemaRegistryServer r = registry;
                KafkaBroker b = broker) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void basicAuthenticationWithAnOAuthClientsIdAndSecretFetchesTheSchema() {
        Exchange ex = plugin(basic(CLIENT, SECRET)).access(json("{\"id\":1,\"item\":\"basic\"}"));

        assertEquals(200, ex.exitStatus(), ex.exitBodyText());
        assertEquals("basic", lastOrder().get("item").toString());
    }

    @Test
    void oauth2FetchesOneClientCredentialsTokenAndTheSchemaWithIt() {
        for (String method : List.of("client_secret_post", "client_secret_basic")) {
            int before = tokenRequests().size();
            FakeKong.PluginConfig p = plugin(oauth2(SECRET, method));
            for (int i = 0; i < 5; i++) {
                assertEquals(
                        200,
                        p.access(json("{\"id\":" + i + ",\"item\":\"" + method + "\"}"))
                                .exitStatus());
            }
            assertEquals(
                    List.of(new TokenRequest(CLIENT, "client_credentials", "openid", 200)),
                    tokenRequests().subList(before, tokenRequests().size()),
                    method + ": one token for five requests");
            assertEquals(method, lastOrder().get("item").toString());
        }
    }

    @Test
    void credentialsTheRegistryOrTheTokenEndpointRefuseGet502NamingWhoRefused() {
        assertRefused(
                502,
                "Bad Gateway",
                "the schema registry at " + registry.confluentUrl() + " refused the credentials (HTTP 401)",
                plugin(basic(CLIENT, WRONG_SECRET)).access(json("{}")));
        assertRefused(
                502,
                "Bad Gateway",
                "the OAuth2 token endpoint " + oauth.tokenEndpointUrl() + " refused the client (HTTP 401)",
                plugin(oauth2(WRONG_SECRET, "client_secret_post")).access(json("{}")));
    }

    /** As SecretsIT for the broker's credentials: used, succeeding and failing, then looked for everywhere. */
    @Test
    void theRegistryPasswordAndClientSecretAppearInNoReplyAndNowhereInTheDebugLog() throws Exception {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("basic", basic(CLIENT, SECRET));
        configs.put(
                "basic, wrong password, with Kafka's detail",
                "\"error_handling\":{\"return_error_message\":true}," + basic(CLIENT, WRONG_SECRET));
        configs.put("oauth2", oauth2(SECRET, "client_secret_basic"));
        configs.put("oauth2, wrong secret", oauth2(WRONG_SECRET, "client_secret_post"));
        List<String> replies = new ArrayList<>();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        try (UpstreamProcess process = UpstreamProcess.startLogging("debug", "-v");
                FakeKong kong = FakeKong.connect(process.socket)) {
            for (Map.Entry<String, String> c : configs.entrySet()) {
                Exchange ex =
                        kong.plugin("kafka-upstream", config(c.getValue())).access(json("{\"id\":1,\"item\":\"s\"}"));
                statuses.put(c.getKey(), ex.exitStatus());
                replies.add(ex.exitBodyText());
            }
            replies.add(startInstanceReply(process, config(configs.get("oauth2"))));
            assertEquals(
                    Map.of(
                            "basic",
                            200,
                            "basic, wrong password, with Kafka's detail",
                            502,
                            "oauth2",
                            200,
                            "oauth2, wrong secret",
                            502),
                    statuses,
                    "replies " + replies);
            assertTrue(process.sigterm(Duration.ofSeconds(20)) >= 0, "exited");
            String log = process.log();
            assertTrue(
                    log.contains("DEBUG") && log.contains("started with config"), "a debug log was written:\n" + log);
            for (String secret : List.of(SECRET, WRONG_SECRET)) {
                assertFalse(log.contains(secret), "a secret in the server log");
                replies.forEach(reply -> assertFalse(reply.contains(secret), "a secret in a reply: " + reply));
            }
        }
    }

    /** The raw StartInstance reply, whose Config echoes the instance's config back to Kong. */
    private static String startInstanceReply(UpstreamProcess process, String config) throws Exception {
        try (KongConnection c = new KongConnection(process.socket)) {
            KongConnection.Reply reply =
                    c.call(1, "plugin.StartInstance", List.of(Map.of("Name", "kafka-upstream", "Config", config)));
            assertEquals(null, reply.error());
            return reply.result().toString();
        }
    }

    private static FakeKong.PluginConfig plugin(String authentication) {
        return server.kong.plugin("kafka-upstream", config(authentication));
    }

    private static String config(String authentication) {
        String registryConfig = RegistryConfigs.valueSchema(registry.confluentUrl(), SUBJECT)
                .replace("\"value_schema\"", authentication + ",\"value_schema\"");
        return Configs.config(
                broker.bootstrap(Listener.PLAINTEXT),
                topic,
                "\"producer_async\":false," + RegistryConfigs.bodyWith(registryConfig));
    }

    private static String basic(String username, String password) {
        return "\"authentication\":{\"mode\":\"basic\",\"basic\":{\"username\":\"" + username + "\",\"password\":\""
                + password + "\"}}";
    }

    private static String oauth2(String secret, String authMethod) {
        return "\"authentication\":{\"mode\":\"oauth2\",\"oauth2\":{\"token_endpoint\":\"" + oauth.tokenEndpointUrl()
                + "\",\"client_id\":\"" + CLIENT + "\",\"client_secret\":\"" + secret + "\"},\"oauth2_client\":"
                + "{\"auth_method\":\"" + authMethod + "\"}}";
    }

    private static List<TokenRequest> tokenRequests() {
        return oauth.requests().stream()
                .filter(r -> r.clientId().equals(CLIENT))
                .toList();
    }

    private static GenericRecord lastOrder() {
        var records = broker.readRecords(topic, (int) broker.countRecords(topic), Duration.ofSeconds(10));
        return (GenericRecord) registry.decoder().avro(records.getLast().value());
    }
}
