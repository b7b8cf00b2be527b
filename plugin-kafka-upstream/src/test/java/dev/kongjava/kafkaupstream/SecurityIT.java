package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.kafka.DelegationToken;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.kafka.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SASL, delegation tokens, TLS verification and mTLS via a Kong Certificate, on one secured broker. */
class SecurityIT {
    private static final String CERT_ID = "6f1cd9b4-0fb9-4a34-9c6e-0e2a1b2c3d4e";
    private static final String CA_ID = "8e2c6a10-3b7d-4f55-9a1e-5c4d3b2a1f00";
    private static KafkaBroker broker;
    private static FakeAdminApi admin;
    private static Path dir;
    private static UpstreamServer server;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.builder()
                .security(true)
                .scramUser("alice", "alice-secret")
                .plainUser("alice", "alice-secret")
                .start();
        TlsMaterial tls = TlsMaterial.get();
        admin = new FakeAdminApi();
        admin.put(CERT_ID, tls.clientCertificateChainPem(), tls.clientPrivateKeyPem());
        admin.putCa(CA_ID, tls.caCertificatePem());
        dir = Files.createTempDirectory("sec");
        Files.writeString(dir.resolve("ca.pem"), tls.caCertificatePem());
        Files.writeString(dir.resolve("token"), "s3cret-admin-token\n");
        server = UpstreamServer.start(Map.of(
                "kafka-ca-bundle",
                dir.resolve("ca.pem").toString(),
                "kong-admin-url",
                admin.url().toString(),
                "kong-admin-token-file",
                dir.resolve("token").toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        admin.close();
        broker.close();
        Files.delete(dir.resolve("ca.pem"));
        Files.delete(dir.resolve("token"));
        Files.delete(dir);
    }

    private static Exchange send(UpstreamServer via, Listener listener, String topic, String extra) {
        return via.kong
                .plugin(
                        "kafka-upstream",
                        Configs.config(
                                broker.bootstrap(listener),
                                topic,
                                "\"producer_async\":false,\"producer_request_timeout\":3000," + extra))
                .access(CannedRequest.post("/")
                        .header("Content-Type", "text/plain")
                        .body("secured"));
    }

    private static void assertDelivered(Listener listener, String extra) {
        String topic = Configs.topic("sec");
        broker.createTopic(topic, 1);
        Exchange ex = send(server, listener, topic, extra);
        assertEquals(200, ex.exitStatus(), ex.exitBodyText());
        assertEquals(1, broker.readRecords(topic, 1, Duration.ofSeconds(10)).size());
    }

    private static String sasl(String mechanism, String user, String password, boolean token) {
        return "\"authentication\":{\"strategy\":\"sasl\",\"mechanism\":\"" + mechanism + "\",\"user\":\"" + user
                + "\",\"password\":\"" + password + "\",\"tokenauth\":" + token + "}";
    }

    @Test
    void aPasswordWithLineBreaksQuotesAndBackslashesLogsInIntact() throws Exception {
        String password = "line1\nline2\r\n\"quoted\" back\\slash; x=\"y\"";
        try (Admin kafka = Admin.create(broker.clientProperties(Listener.PLAINTEXT))) {
            kafka.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            "eve", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), password)))
                    .all()
                    .get();
            EventuallyAssert.within(Duration.ofSeconds(10), () -> assertTrue(scramUserKnown(kafka, "eve")));
        }
        String inJson = password.replace("\\", "\\\\")
                .replace("\"", "\\\"")
                .replace("\n", "\\n")
                .replace("\r", "\\r");
        assertDelivered(Listener.SASL_PLAINTEXT, sasl("SCRAM-SHA-256", "eve", inJson, false));
    }

    private static boolean scramUserKnown(Admin kafka, String user) {
        try {
            return !kafka.describeUserScramCredentials(List.of(user))
                    .all()
                    .get()
                    .isEmpty();
        } catch (Exception e) {
            return false; // not there yet
        }
    }

    @Test
    void saslPlainScram256AndScram512LogIn() {
        assertDelivered(Listener.SASL_PLAINTEXT, sasl("PLAIN", "alice", "alice-secret", false));
        assertDelivered(Listener.SASL_PLAINTEXT, sasl("SCRAM-SHA-256", "alice", "alice-secret", false));
        assertDelivered(Listener.SASL_PLAINTEXT, sasl("SCRAM-SHA-512", "alice", "alice-secret", false));
    }

    @Test
    void aDelegationTokenLogsInWithTokenauth() {
        DelegationToken token = broker.createDelegationToken("alice", "alice-secret");
        assertDelivered(Listener.SASL_PLAINTEXT, sasl("SCRAM-SHA-256", token.tokenId(), token.hmacBase64(), true));
    }

    @Test
    void aWrongPasswordIs502WithoutTheSecretInTheBodyOrTheLog() throws Exception {
        try (CapturedStderr log = new CapturedStderr()) {
            for (boolean async : new boolean[] {false, true}) {
                String topic = Configs.topic("sec");
                Exchange ex = server.kong
                        .plugin(
                                "kafka-upstream",
                                Configs.config(
                                        broker.bootstrap(Listener.SASL_PLAINTEXT),
                                        topic,
                                        "\"producer_async\":" + async + ","
                                                + sasl("SCRAM-SHA-256", "alice", "Wr0ng-Pa55word", false)))
                        .access(CannedRequest.post("/").body("x"));
                assertEquals(502, ex.exitStatus());
                assertEquals(
                        "{\"message\":\"Bad Gateway\",\"error\":\"authentication with the Kafka brokers failed\"}",
                        ex.exitBodyText());
            }
            assertFalse(log.text().contains("Wr0ng-Pa55word"), "password in the log");
            assertFalse(log.text().contains("s3cret-admin-token"), "admin token in the log");
        }
    }

    @Test
    void tlsWithTheRightCaIsVerifiedAndDelivers() {
        assertDelivered(Listener.SSL, "\"security\":{\"ssl\":true}");
        assertDelivered(
                Listener.SASL_SSL,
                "\"security\":{\"ssl\":true}," + sasl("SCRAM-SHA-512", "alice", "alice-secret", false));
    }

    @Test
    void tlsWithTheWrongCaFailsVerification() throws Exception {
        Path wrong =
                Files.writeString(dir.resolve("wrong.pem"), TlsMaterial.get().wrongCaCertificatePem());
        try (UpstreamServer other = UpstreamServer.start(Map.of("kafka-ca-bundle", wrong.toString()))) {
            Exchange ex = send(other, Listener.SSL, Configs.topic("sec"), "\"security\":{\"ssl\":true}");
            assertEquals(502, ex.exitStatus());
            assertEquals(
                    "{\"message\":\"Bad Gateway\",\"error\":\"TLS handshake with the Kafka brokers failed\"}",
                    ex.exitBodyText());
        } finally {
            Files.delete(wrong);
        }
    }

    @Test
    void mtlsUsesTheKongCertificateFromTheAdminApi() {
        int before = admin.requests.get();
        assertDelivered(Listener.MTLS, "\"security\":{\"ssl\":true,\"certificate_id\":\"" + CERT_ID + "\"}");
        assertEquals("s3cret-admin-token", admin.lastToken);
        assertDelivered(Listener.MTLS, "\"security\":{\"ssl\":true,\"certificate_id\":\"" + CERT_ID + "\"}");
        assertEquals(before + 1, admin.requests.get(), "cached");
    }

    @Test
    void mtlsWithoutAClientCertificateIsRefusedByTheBroker() {
        Exchange ex = send(server, Listener.MTLS, Configs.topic("sec"), "\"security\":{\"ssl\":true}");
        assertEquals(502, ex.exitStatus());
        assertEquals(
                "{\"message\":\"Bad Gateway\",\"error\":\"TLS handshake with the Kafka brokers failed\"}",
                ex.exitBodyText());
    }

    @Test
    void aCertificateKongDoesNotHaveIsAClear500() {
        String id = "00000000-0000-4000-8000-000000000000";
        Exchange ex = send(
                server,
                Listener.MTLS,
                Configs.topic("sec"),
                "\"security\":{\"ssl\":true,\"certificate_id\":\"" + id + "\"}");
        assertEquals(500, ex.exitStatus());
        assertEquals(
                "{\"message\":\"Internal Server Error\",\"error\":\"could not load certificate " + id
                        + ": not found in Kong (Admin API " + admin.url() + ")\"}",
                ex.exitBodyText());
    }

    @Test
    void anUnreachableAdminApiIsAClear500() throws Exception {
        try (UpstreamServer other = UpstreamServer.start(Map.of("kong-admin-url", "http://127.0.0.1:9"))) {
            Exchange ex = send(
                    other,
                    Listener.MTLS,
                    Configs.topic("sec"),
                    "\"security\":{\"ssl\":true,\"certificate_id\":\"" + CERT_ID + "\"}");
            assertEquals(500, ex.exitStatus());
            assertEquals(
                    "{\"message\":\"Internal Server Error\",\"error\":\"could not load certificate " + CERT_ID
                            + ": Kong Admin API at http://127.0.0.1:9 is unreachable (ConnectException)\"}",
                    ex.exitBodyText());
        }
    }

    @Test
    void withoutAnyTrustedCaTheBrokerCertificateIsRefusedBecauseVerificationIsOnByDefault() throws Exception {
        try (UpstreamServer plain = UpstreamServer.start(Map.of())) {
            Exchange ex = send(plain, Listener.SSL, Configs.topic("sec"), "\"security\":{\"ssl\":true}");
            assertEquals(502, ex.exitStatus());
            assertEquals(
                    "{\"message\":\"Bad Gateway\",\"error\":\"TLS handshake with the Kafka brokers failed\"}",
                    ex.exitBodyText());
        }
    }

    @Test
    void sslVerifyFalseTrustsTheBrokerWithoutAnyCaAndStillDoesMtls() throws Exception {
        try (UpstreamServer plain =
                UpstreamServer.start(Map.of("kong-admin-url", admin.url().toString()))) {
            String topic = Configs.topic("sec");
            broker.createTopic(topic, 1);
            assertEquals(
                    200,
                    send(plain, Listener.SSL, topic, "\"security\":{\"ssl\":true,\"ssl_verify\":false}")
                            .exitStatus());
            assertEquals(
                    200,
                    send(
                                    plain,
                                    Listener.MTLS,
                                    topic,
                                    "\"security\":{\"ssl\":true,\"ssl_verify\":false," + "\"certificate_id\":\""
                                            + CERT_ID + "\"}")
                            .exitStatus());
            assertEquals(2, broker.readRecords(topic, 2, Duration.ofSeconds(10)).size());
        }
    }

    @Test
    void caCertificatesFromKongAreTrustedPerPlugin() throws Exception {
        try (UpstreamServer plain =
                UpstreamServer.start(Map.of("kong-admin-url", admin.url().toString()))) {
            String topic = Configs.topic("sec");
            broker.createTopic(topic, 1);
            Exchange ex = send(
                    plain, Listener.SSL, topic, "\"security\":{\"ssl\":true,\"ca_certificates\":[\"" + CA_ID + "\"]}");
            assertEquals(200, ex.exitStatus(), ex.exitBodyText());
            assertEquals(1, broker.readRecords(topic, 1, Duration.ofSeconds(10)).size());
        }
    }
}
