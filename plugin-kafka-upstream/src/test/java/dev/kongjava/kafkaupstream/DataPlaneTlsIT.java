package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.Prerequisites;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.kafka.TlsMaterial;
import dev.kongjava.testkit.luapeer.LuaPeer;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mTLS and trusted CAs on data planes that have no Kong Admin API (DB-less, hybrid, Konnect): the
 * client certificate, its key and the CAs as PEM in the config or as files on the data plane. The
 * server's Admin API URL points at a closed port and it has no CA bundle, so each 200 here came from
 * the config or the files alone, against a broker listener that requires a client certificate.
 */
class DataPlaneTlsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TlsMaterial TLS = TlsMaterial.get();
    private static final String SYNC = "\"producer_async\":false,\"producer_request_timeout\":10000,";

    @TempDir
    static Path dir;

    private static KafkaBroker broker;
    private static UpstreamServer server;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.builder().security(true).start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        server = UpstreamServer.start(Map.of("kong-admin-url", "http://127.0.0.1:" + closedPort));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        broker.close();
    }

    /** The security record with PEM values, as Kong sends them once it has resolved any vault reference. */
    static String pemSecurity(String certificate, String key, String ca) throws Exception {
        return "{\"ssl\":true,\"client_certificate_pem\":" + JSON.writeValueAsString(certificate)
                + ",\"client_key_pem\":" + JSON.writeValueAsString(key)
                + ",\"ca_certificates_pem\":" + JSON.writeValueAsString(ca) + "}";
    }

    private static String topic() {
        String topic = Configs.topic("dp-tls");
        broker.createTopic(topic, 1);
        return topic;
    }

    private static Exchange send(String topic, String security) {
        return server.kong
                .plugin(
                        "kafka-upstream",
                        Configs.config(broker.bootstrap(Listener.MTLS), topic, SYNC + "\"security\":" + security))
                .access(CannedRequest.post("/")
                        .header("Content-Type", "text/plain")
                        .body("data plane"));
    }

    private static void assertDelivered(String security) {
        String topic = topic();
        Exchange ex = send(topic, security);
        assertEquals("200 {\"message\":\"message sent\"}", ex.exitStatus() + " " + ex.exitBodyText());
        assertEquals(1, broker.readRecords(topic, 1, Duration.ofSeconds(10)).size());
    }

    @Test
    void pemInTheConfigGivesMtlsAndTrustedCasWithNoAdminApi() throws Exception {
        assertDelivered(
                pemSecurity(TLS.clientCertificateChainPem(), TLS.clientPrivateKeyPem(), TLS.caCertificatePem()));
    }

    @Test
    void filesOnTheDataPlaneGiveMtlsAndTrustedCasWithNoAdminApi() throws Exception {
        Path cert = Files.writeString(dir.resolve("client.crt"), TLS.clientCertificateChainPem());
        Path key = Files.writeString(dir.resolve("client.key"), TLS.clientPrivateKeyPem());
        Path ca = Files.writeString(dir.resolve("ca.crt"), TLS.caCertificatePem());
        assertDelivered("{\"ssl\":true,\"client_certificate_file\":\"" + cert + "\",\"client_key_file\":\"" + key
                + "\",\"ca_certificates_file\":\"" + ca + "\"}");
    }

    @Test
    void aMissingFileOrPemThatDoesNotLoadIsA500NamingTheFieldAndShowingNoKey() throws Exception {
        Path cert = Files.writeString(dir.resolve("only.crt"), TLS.clientCertificateChainPem());
        Path missing = dir.resolve("missing.key");
        assertError(
                "could not read security.client_key_file " + missing + " (NoSuchFileException)",
                "{\"ssl\":true,\"client_certificate_file\":\"" + cert + "\",\"client_key_file\":\"" + missing + "\"}");
        assertError(
                "security.client_certificate_pem holds no PEM certificate",
                pemSecurity(
                        "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n",
                        TLS.clientPrivateKeyPem(),
                        TLS.caCertificatePem()));
        String encrypted = TLS.clientPrivateKeyPem().replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY");
        Exchange ex = assertError(
                "could not load the client key security.client_key_pem: unsupported private key type "
                        + "'ENCRYPTED PRIVATE KEY' (use an unencrypted RSA, EC or PKCS#8 key)",
                pemSecurity(TLS.clientCertificateChainPem(), encrypted, TLS.caCertificatePem()));
        String keyLine = TLS.clientPrivateKeyPem()
                .lines()
                .filter(l -> !l.startsWith("-----"))
                .findFirst()
                .orElseThrow();
        assertFalse(ex.exitBodyText().contains(keyLine), ex.exitBodyText());
    }

    private static Exchange assertError(String error, String security) throws Exception {
        Exchange ex = send(topic(), security);
        assertEquals(500, ex.exitStatus(), ex.exitBodyText());
        assertEquals(
                "{\"message\":\"Internal Server Error\",\"error\":" + JSON.writeValueAsString(error) + "}",
                ex.exitBodyText());
        return ex;
    }

    @Test
    void aDbLessKongYmlWithPemInTheConfigIsProducedOverMtlsThroughTheLuaPeer() throws Exception {
        Prerequisites.requireLuaPeer();
        String topic = topic();
        String plugin = "{\"name\":\"kafka-upstream\",\"config\":"
                + Configs.config(
                        broker.bootstrap(Listener.MTLS),
                        topic,
                        SYNC + "\"security\":"
                                + pemSecurity(
                                        TLS.clientCertificateChainPem(),
                                        TLS.clientPrivateKeyPem(),
                                        TLS.caCertificatePem()))
                + "}";
        String kongYml = "{\"_format_version\":\"3.0\",\"routes\":[{\"name\":\"kafka\",\"paths\":[\"/kafka\"],"
                + "\"plugins\":[" + plugin + "]}]}";
        try (LuaPeer kong = LuaPeer.builder()
                .socketPath(server.server.socketPath())
                .queryCommand(JavaProcess.command(KafkaUpstreamMain.class, "--dump"))
                .declarativeConfig(kongYml)
                .start()) {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(kong.baseUri().resolve("/kafka"))
                                    .timeout(Duration.ofSeconds(60))
                                    .POST(HttpRequest.BodyPublishers.ofString("db-less"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(
                    "200 {\"message\":\"message sent\"}",
                    response.statusCode() + " " + response.body(),
                    kong.errorLog());
            assertEquals(1, broker.readRecords(topic, 1, Duration.ofSeconds(10)).size());
        }
    }
}
