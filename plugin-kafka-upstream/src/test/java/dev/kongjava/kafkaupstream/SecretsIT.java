package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.tls.PemKeys;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.KongConnection;
import dev.kongjava.testkit.kafka.DelegationToken;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.kafka.TlsMaterial;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets never leave the server: the SASL password, a delegation token's HMAC, the Admin API token
 * and the mTLS client key (from Kong or in the config) are used, succeed or fail, and then appear in
 * none of the client bodies, none of the RPC replies and nowhere in the server's own log, even at
 * debug level. And TLS to brokers is verified by default.
 */
class SecretsIT {
    private static final String CERT_ID = "0d6f3c8e-5f7a-4a3b-9d2e-7c1b2a3d4e5f";
    private static final String SASL_PASSWORD = "Sasl-Pa55word-4f9c";
    private static final String WRONG_PASSWORD = "Wr0ng-Pa55word-8d1e";
    private static final String ADMIN_TOKEN = "Admin-T0ken-c3b7a1";
    /** In the Admin URL's userinfo: sent as basic authentication, never shown. */
    private static final String ADMIN_URL_PASSWORD = "Url-Pa55word-e6a2";
    /** Sync, with time for a cold server process's first TLS or SCRAM handshake on a busy machine. */
    private static final String SYNC = "\"producer_async\":false,\"producer_request_timeout\":10000,";

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.builder()
                .security(true)
                .scramUser("bob", SASL_PASSWORD)
                .plainUser("bob", SASL_PASSWORD)
                .start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void passwordsTokensAndTheClientKeyAppearInNoReplyAndNowhereInTheDebugLog() throws Exception {
        TlsMaterial tls = TlsMaterial.get();
        try (FakeAdminApi admin = new FakeAdminApi()) {
            admin.put(CERT_ID, tls.clientCertificateChainPem(), tls.clientPrivateKeyPem());
            Path files = Files.createTempDirectory("secrets");
            Path ca = Files.writeString(files.resolve("ca.pem"), tls.caCertificatePem());
            Path token = Files.writeString(files.resolve("admin-token"), ADMIN_TOKEN + "\n");
            DelegationToken delegation = broker.createDelegationToken("bob", SASL_PASSWORD);
            List<String> replies = new ArrayList<>();
            try (UpstreamProcess server = UpstreamProcess.startLogging(
                            "debug",
                            "-v",
                            "--kafka-ca-bundle",
                            ca.toString(),
                            "--kong-admin-url",
                            withUserInfo(admin.url()),
                            "--kong-admin-token-file",
                            token.toString());
                    FakeKong kong = FakeKong.connect(server.socket)) {
                Map<String, Integer> statuses = new LinkedHashMap<>();
                String sasl = Configs.config(
                        broker.bootstrap(Listener.SASL_PLAINTEXT),
                        topic(),
                        SYNC + sasl("SCRAM-SHA-256", "bob", SASL_PASSWORD, false));
                statuses.put("scram", send(kong, sasl, replies));
                statuses.put(
                        "wrong password, with Kafka's detail",
                        send(
                                kong,
                                Configs.config(
                                        broker.bootstrap(Listener.SASL_PLAINTEXT),
                                        topic(),
                                        SYNC + "\"error_handling\":" + "{\"return_error_message\":true},"
                                                + sasl("PLAIN", "bob", WRONG_PASSWORD, false)),
                                replies));
                statuses.put(
                        "delegation token",
                        send(
                                kong,
                                Configs.config(
                                        broker.bootstrap(Listener.SASL_PLAINTEXT),
                                        topic(),
                                        SYNC
                                                + sasl(
                                                        "SCRAM-SHA-256",
                                                        delegation.tokenId(),
                                                        delegation.hmacBase64(),
                                                        true)),
                                replies));
                statuses.put(
                        "mtls",
                        send(
                                kong,
                                Configs.config(
                                        broker.bootstrap(Listener.MTLS),
                                        topic(),
                                        SYNC + "\"security\":{\"ssl\":true,\"certificate_id\":\"" + CERT_ID + "\"}"),
                                replies));
                String keyInConfig = Configs.config(
                        broker.bootstrap(Listener.MTLS),
                        topic(),
                        SYNC + "\"security\":"
                                + DataPlaneTlsIT.pemSecurity(
                                        tls.clientCertificateChainPem(),
                                        tls.clientPrivateKeyPem(),
                                        tls.caCertificatePem()));
                statuses.put("mtls, the key in the config", send(kong, keyInConfig, replies));
                statuses.put(
                        "a key in the config that does not load",
                        send(
                                kong,
                                Configs.config(
                                        broker.bootstrap(Listener.MTLS),
                                        topic(),
                                        SYNC + "\"error_handling\":{\"return_error_message\":true},"
                                                + "\"security\":"
                                                + DataPlaneTlsIT.pemSecurity(
                                                        tls.clientCertificateChainPem(),
                                                        tls.clientPrivateKeyPem()
                                                                .replace("BEGIN", "BEGIN RSA"),
                                                        tls.caCertificatePem())),
                                replies));
                replies.add(startInstanceReply(server.socket, sasl, "authentication", "password"));
                replies.add(startInstanceReply(server.socket, keyInConfig, "security", "client_key_pem"));
                assertEquals(
                        Map.of(
                                "scram",
                                200,
                                "wrong password, with Kafka's detail",
                                502,
                                "delegation token",
                                200,
                                "mtls",
                                200,
                                "mtls, the key in the config",
                                200,
                                "a key in the config that does not load",
                                500),
                        statuses,
                        "replies " + replies);
                assertEquals(ADMIN_TOKEN, admin.lastToken, "the Admin API got the token");
                assertEquals(
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                ("kong:" + ADMIN_URL_PASSWORD).getBytes(StandardCharsets.UTF_8)),
                        admin.lastAuthorization,
                        "and the URL's userinfo");

                assertTrue(server.sigterm(Duration.ofSeconds(20)) >= 0, "exited");
                String log = server.log();
                assertTrue(
                        log.contains("DEBUG") && log.contains("started with config"),
                        "a debug log was written:\n" + log);
                Map<String, String> secrets = secrets(tls, delegation);
                secrets.forEach((what, secret) -> {
                    assertFalse(log.contains(secret), what + " in the server log");
                    replies.forEach(reply -> assertFalse(reply.contains(secret), what + " in a reply: " + reply));
                });
            } finally {
                Files.delete(ca);
                Files.delete(token);
                Files.delete(files);
            }
        }
    }

    @Test
    void credentialsInTheAdminUrlAppearNeitherInTheReplyNorInTheLogWhenTheAdminApiIsUnreachable() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        URI unreachable = URI.create("http://127.0.0.1:" + closedPort);
        try (UpstreamProcess server =
                        UpstreamProcess.startLogging("debug", "-v", "--kong-admin-url", withUserInfo(unreachable));
                FakeKong kong = FakeKong.connect(server.socket)) {
            List<String> replies = new ArrayList<>();
            assertEquals(
                    500,
                    send(
                            kong,
                            Configs.config(
                                    broker.bootstrap(Listener.MTLS),
                                    topic(),
                                    SYNC + "\"security\":{\"ssl\":true,\"certificate_id\":\"" + CERT_ID + "\"}"),
                            replies));
            assertEquals(
                    "{\"message\":\"Internal Server Error\",\"error\":\"could not load certificate " + CERT_ID
                            + ": Kong Admin API at " + unreachable + " is unreachable (ConnectException)\"}",
                    replies.get(0));
            assertTrue(server.sigterm(Duration.ofSeconds(20)) >= 0, "exited");
            assertTrue(server.log().contains("127.0.0.1:" + closedPort), server.log());
            assertFalse(server.log().contains(ADMIN_URL_PASSWORD), server.log());
        }
    }

    /** {@code url} with {@code kong:<password>@} in front of its host. */
    private static String withUserInfo(URI url) {
        return url.toString().replace("://", "://kong:" + ADMIN_URL_PASSWORD + "@");
    }

    @Test
    void tlsToBrokersIsVerifiedByDefaultSoAnUntrustedCertificateFailsWithoutACaBundle() throws Exception {
        try (UpstreamServer server = UpstreamServer.start()) {
            Exchange ex = server.kong
                    .plugin(
                            "kafka-upstream",
                            Configs.config(
                                    broker.bootstrap(Listener.SSL),
                                    topic(),
                                    "\"producer_async\":false,\"producer_request_timeout\":3000,\"security\":{\"ssl\":true}"))
                    .access(CannedRequest.post("/").body("x"));
            assertEquals(502, ex.exitStatus());
            assertEquals(
                    "{\"message\":\"Bad Gateway\",\"error\":\"TLS handshake with the Kafka brokers failed\"}",
                    ex.exitBodyText());
        }
    }

    /** What must never be shown; key lines in both the PEM Kong holds and the PKCS#8 form Kafka gets. */
    private static Map<String, String> secrets(TlsMaterial tls, DelegationToken delegation) throws Exception {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("the SASL password", SASL_PASSWORD);
        secrets.put("a wrong SASL password", WRONG_PASSWORD);
        secrets.put("the delegation token HMAC", delegation.hmacBase64());
        secrets.put("the Admin API token", ADMIN_TOKEN);
        secrets.put("the password in the Admin API URL", ADMIN_URL_PASSWORD);
        int line = 0;
        for (String pem : List.of(tls.clientPrivateKeyPem(), PemKeys.toPkcs8Pem(tls.clientPrivateKeyPem()))) {
            for (String l : pem.split("\n")) {
                if (!l.startsWith("-----") && l.strip().length() >= 32) {
                    secrets.put("client key line " + ++line, l.strip());
                }
            }
        }
        return secrets;
    }

    private static int send(FakeKong kong, String config, List<String> replies) {
        Exchange ex = kong.plugin("kafka-upstream", config)
                .access(CannedRequest.post("/").body("secret test"));
        replies.add(ex.exitBodyText());
        return ex.exitStatus();
    }

    /** The raw StartInstance reply, whose Config echoes the instance's config back to Kong with the secret hidden. */
    private static String startInstanceReply(Path socket, String config, String record, String secret)
            throws Exception {
        try (KongConnection c = new KongConnection(socket)) {
            KongConnection.Reply reply =
                    c.call(1, "plugin.StartInstance", List.of(Map.of("Name", "kafka-upstream", "Config", config)));
            assertEquals(null, reply.error());
            Map<?, ?> echoed = (Map<?, ?>) ((Map<?, ?>) reply.result()).get("Config");
            assertEquals("[hidden]", ((Map<?, ?>) echoed.get(record)).get(secret));
            return reply.result().toString();
        }
    }

    private static String topic() {
        String topic = Configs.topic("secrets");
        broker.createTopic(topic, 1);
        return topic;
    }

    private static String sasl(String mechanism, String user, String password, boolean token) {
        return "\"authentication\":{\"strategy\":\"sasl\",\"mechanism\":\"" + mechanism + "\",\"user\":\"" + user
                + "\",\"password\":\"" + password + "\",\"tokenauth\":" + token + "}";
    }
}
