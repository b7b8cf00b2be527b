package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.config.OAuthBearer;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.KongConnection;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.kafka.OAuthLogin;
import dev.kongjava.testkit.oauth.OAuthServer;
import dev.kongjava.testkit.oauth.TokenMode;
import dev.kongjava.testkit.oauth.TokenRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SASL OAUTHBEARER through FakeKong against a broker that checks every JWT with Kafka's JWKS
 * validator, and a token endpoint that issues real RS256 tokens (or refuses, or is down).
 */
class OAuthBearerUpstreamIT {
    private static final String CLIENT = "kong";
    private static final String SECRET = "Kong-Client-S3cret-91f2";
    private static final String WRONG_SECRET = "Wr0ng-Client-S3cret-5e7a";
    private static final String LOGIN_FAILED = "could not log in to the Kafka brokers: the OAuth token endpoint "
            + "refused the client or could not be reached";

    private static OAuthServer oauth;
    private static KafkaBroker broker;
    private static UpstreamServer server;

    @BeforeAll
    static void start() throws Exception {
        oauth = OAuthServer.builder().client(CLIENT, SECRET).https().start();
        broker = KafkaBroker.builder().security(true).oauthBearer(oauth).start();
        server = UpstreamServer.start(Map.of(
                OAuthBearer.ALLOWED_URLS_FLAG.name(), oauth.tokenEndpointUrl() + "," + oauth.httpsTokenEndpointUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        try (OAuthServer o = oauth;
                KafkaBroker b = broker;
                UpstreamServer s = server) {
            // closes all three, even if one fails
        }
    }

    @AfterEach
    void issueValidTokens() {
        oauth.mode(TokenMode.VALID);
    }

    /**
     * A sync config logging in at {@code url} with {@code secret}; its own cluster_name, so no test
     * shares another's producer (and its token).
     */
    private static String config(String topic, String url, String secret, String oauthExtra, String extra) {
        return Configs.config(
                broker.bootstrap(Listener.SASL_PLAINTEXT),
                topic,
                "\"producer_async\":false,"
                        + "\"cluster_name\":\"" + topic + "\",\"authentication\":{\"strategy\":\"sasl\",\"mechanism\":"
                        + "\"OAUTHBEARER\",\"oauthbearer\":{\"token_endpoint_url\":\"" + url + "\",\"client_id\":\""
                        + CLIENT
                        + "\",\"client_secret\":\"" + secret + "\"" + oauthExtra + "}}" + extra);
    }

    private static String topic() {
        String topic = Configs.topic("oauth");
        broker.createTopic(topic, 1);
        return topic;
    }

    private static Exchange send(FakeKong.PluginConfig plugin, String body) {
        return plugin.access(
                CannedRequest.post("/").header("Content-Type", "text/plain").body(body));
    }

    @Test
    void aClientCredentialsLoginWithScopesAndExtensionsProducesAndTheBrokerKnowsTheClient() {
        String topic = topic();
        int before = oauth.requests().size();
        FakeKong.PluginConfig plugin = server.kong.plugin(
                "kafka-upstream",
                config(
                        topic,
                        oauth.tokenEndpointUrl(),
                        SECRET,
                        ",\"scopes\":[\"kafka.produce\",\"audit\"],\"extensions\":{\"logicalCluster\":\"lkc-42\","
                                + "\"identityPoolId\":\"pool-7\"}",
                        ""));

        Exchange ex = send(plugin, "with a token");

        assertEquals(200, ex.exitStatus(), ex.exitBodyText());
        assertEquals(
                "{\"body\":\"with a token\",\"body_args\":{}}",
                new String(
                        broker.readRecords(topic, 1, Duration.ofSeconds(10))
                                .get(0)
                                .value(),
                        StandardCharsets.UTF_8));
        assertEquals(
                List.of(new TokenRequest(CLIENT, "client_credentials", "kafka.produce audit", 200)),
                oauth.requests().subList(before, oauth.requests().size()));
        assertEquals(
                new OAuthLogin(CLIENT, Map.of("logicalCluster", "lkc-42", "identityPoolId", "pool-7")),
                broker.oauthLogins().getLast());
    }

    @Test
    void aTokenEndpointTheServerDoesNotAllowFailsStartInstanceNamingTheFlag() {
        String url = "http://127.0.0.1:1/token";

        FakeKong.KongRpcException refused = assertThrows(
                FakeKong.KongRpcException.class,
                () -> server.kong.startInstance("kafka-upstream", config(topic(), url, SECRET, "", "")));

        assertEquals(
                "Invalid value \"" + url + "\" for configuration authentication.oauthbearer.token_endpoint_url "
                        + "of plugin kafka-upstream: not among the token endpoints this server allows; start it with "
                        + "--oauth-allowed-urls " + url,
                refused.getMessage());
    }

    @Test
    void aRefusedClientGetsA502NamingTheLoginAndTheEndpointIsAskedAtMostOncePerRetryInterval() {
        FakeKong.PluginConfig plugin = server.kong.plugin(
                "kafka-upstream",
                config(
                        topic(),
                        oauth.tokenEndpointUrl(),
                        WRONG_SECRET,
                        "",
                        ",\"error_handling\":{\"return_error_message\":true}"));
        int before = oauth.requests().size();

        Exchange first = send(plugin, "x");

        assertEquals(502, first.exitStatus());
        assertEquals(
                "{\"message\":\"Bad Gateway\",\"error\":\"" + LOGIN_FAILED + ": LoginException: "
                        + "org.apache.kafka.common.KafkaException: org.apache.kafka.common.security.oauthbearer.internals.secured."
                        + "UnretryableException: java.io.IOException: The response code 401 and error response {\\\"invalid_client\\\" - \\\"unknown client or wrong secret\\\"} was "
                        + "encountered reading the token endpoint response; will not attempt further retries\"}",
                first.exitBodyText());
        assertEquals(
                new TokenRequest(CLIENT, "client_credentials", "", 401),
                oauth.requests().getLast());
        // Requests for three retry intervals: each is answered at once, the endpoint is asked about once a second.
        long start = System.nanoTime();
        long window = 3 * KafkaUpstreamHandler.LOGIN_RETRY.toNanos();
        int requests = 1;
        while (System.nanoTime() - start < window) {
            assertEquals(502, send(plugin, "x").exitStatus());
            requests++;
        }
        long elapsed = System.nanoTime() - start;
        int asked = oauth.requests().size() - before;
        long intervals = elapsed / KafkaUpstreamHandler.LOGIN_RETRY.toNanos() + 1;
        assertTrue(
                asked >= 2 && asked <= intervals + 1,
                asked + " token requests for " + requests + " requests in " + elapsed / 1_000_000 + " ms");
        assertTrue(requests > asked, "most requests were answered without asking the endpoint");
    }

    @Test
    void anExpiredOrWronglySignedTokenIsRefusedByTheBrokerWithA502AndNothingIsWritten() {
        for (TokenMode mode : List.of(TokenMode.EXPIRED, TokenMode.WRONG_KEY)) {
            oauth.mode(mode);
            String topic = topic();

            Exchange ex = send(
                    server.kong.plugin(
                            "kafka-upstream",
                            config(
                                    topic,
                                    oauth.tokenEndpointUrl(),
                                    SECRET,
                                    "",
                                    ",\"error_handling\":{\"return_error_message\":true}")),
                    "x");

            assertEquals(502, ex.exitStatus(), mode.name());
            assertEquals(
                    "{\"message\":\"Bad Gateway\",\"error\":\"authentication with the Kafka brokers failed: "
                            + "SaslAuthenticationException: {\\\"status\\\":\\\"invalid_token\\\"}\"}",
                    ex.exitBodyText(),
                    mode.name());
            assertEquals(0, broker.countRecords(topic), mode.name());
        }
    }

    @Test
    void whileTheAuthorizationServerIsDownRequestsGet502AndTheSameInstanceProducesOnceItIsBack() {
        String topic = topic();
        FakeKong.PluginConfig plugin = server.kong.plugin(
                "kafka-upstream",
                config(topic, oauth.tokenEndpointUrl(), SECRET, "", ",\"producer_request_timeout\":500"));
        oauth.mode(TokenMode.UNAVAILABLE);

        Exchange down = send(plugin, "while down");

        assertEquals(502, down.exitStatus());
        assertEquals("{\"message\":\"Bad Gateway\",\"error\":\"" + LOGIN_FAILED + "\"}", down.exitBodyText());
        oauth.mode(TokenMode.VALID);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Integer> statuses = new ArrayList<>();
        while (statuses.isEmpty() || statuses.getLast() != 200) {
            assertTrue(System.nanoTime() < deadline, "no 200 within 30 s: " + statuses);
            statuses.add(send(plugin, "back").exitStatus());
        }
        assertEquals(
                List.of(), statuses.stream().filter(s -> s != 200 && s != 502).toList());
        assertEquals(1, plugin.starts(), "the instance was never restarted");
        assertEquals(1, broker.countRecords(topic));
    }

    @Test
    void theTokenEndpointsCertificateIsVerifiedUnlessTokenEndpointTlsVerifyIsFalse() {
        String url = oauth.httpsTokenEndpointUrl();
        int before = oauth.requests().size();

        Exchange verified = send(server.kong.plugin("kafka-upstream", config(topic(), url, SECRET, "", "")), "x");

        assertEquals(502, verified.exitStatus());
        assertEquals("{\"message\":\"Bad Gateway\",\"error\":\"" + LOGIN_FAILED + "\"}", verified.exitBodyText());
        assertEquals(before, oauth.requests().size(), "the test CA is not trusted: no request got through");
        String topic = topic();

        Exchange unverified = send(
                server.kong.plugin(
                        "kafka-upstream", config(topic, url, SECRET, ",\"token_endpoint_tls_verify\":false", "")),
                "over TLS");

        assertEquals(200, unverified.exitStatus(), unverified.exitBodyText());
        assertEquals(
                new TokenRequest(CLIENT, "client_credentials", "", 200),
                oauth.requests().getLast());
        assertEquals(1, broker.countRecords(topic));
    }

    /** The client secret is used, right and wrong, and then appears in no reply and nowhere in a debug log. */
    @Test
    void theClientSecretAppearsInNoReplyAndNowhereInTheServersDebugLog() throws Exception {
        List<String> replies = new ArrayList<>();
        try (UpstreamProcess process =
                        UpstreamProcess.startLogging("debug", "-v", "--oauth-allowed-urls", oauth.tokenEndpointUrl());
                FakeKong kong = FakeKong.connect(process.socket)) {
            // time for a cold server process's first login and handshake on a busy machine
            String right = config(topic(), oauth.tokenEndpointUrl(), SECRET, "", ",\"producer_request_timeout\":10000");
            String wrong = config(
                    topic(),
                    oauth.tokenEndpointUrl(),
                    WRONG_SECRET,
                    "",
                    ",\"error_handling\":{\"return_error_message\":true}");
            Exchange ok = send(kong.plugin("kafka-upstream", right), "x");
            Exchange refused = send(kong.plugin("kafka-upstream", wrong), "x");
            replies.add(ok.exitBodyText());
            replies.add(refused.exitBodyText());
            replies.add(startInstanceReply(process, right));

            assertEquals(List.of(200, 502), List.of(ok.exitStatus(), refused.exitStatus()), replies.toString());
            assertTrue(process.sigterm(Duration.ofSeconds(20)) >= 0, "exited");
            String log = process.log();
            assertTrue(
                    log.contains("DEBUG") && log.contains("started with config"), "a debug log was written:\n" + log);
            for (String secret : List.of(SECRET, WRONG_SECRET)) {
                assertFalse(log.contains(secret), "a client secret in the server log");
                replies.forEach(reply -> assertFalse(reply.contains(secret), "a client secret in a reply: " + reply));
            }
        }
    }

    /** The raw StartInstance reply, whose Config echoes the config back to Kong with the secret masked. */
    private static String startInstanceReply(UpstreamProcess process, String config) throws Exception {
        try (KongConnection c = new KongConnection(process.socket)) {
            KongConnection.Reply reply =
                    c.call(1, "plugin.StartInstance", List.of(Map.of("Name", "kafka-upstream", "Config", config)));
            assertEquals(null, reply.error());
            Map<?, ?> echoed = (Map<?, ?>) ((Map<?, ?>) reply.result()).get("Config");
            Map<?, ?> oauthbearer = (Map<?, ?>) ((Map<?, ?>) echoed.get("authentication")).get("oauthbearer");
            assertEquals("[hidden]", oauthbearer.get("client_secret"));
            return reply.result().toString();
        }
    }
}
