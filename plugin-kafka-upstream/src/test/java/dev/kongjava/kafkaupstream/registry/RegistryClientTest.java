package dev.kongjava.kafkaupstream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kongjava.testkit.kafka.TlsMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** The registry call over real HTTP and TLS, against small stand-ins for what a real registry cannot be made to do. */
class RegistryClientTest {
    private static final String ANSWER = "{\"subject\":\"s\",\"version\":2,\"id\":3,\"schema\":\"\\\"string\\\"\"}";
    private static final RegistrySettings.Subject SUBJECT = new RegistrySettings.Subject("s", "latest");

    private static RegistryClient client(String url, boolean verify) {
        return new RegistryClient(new RegistrySettings(url, null, verify, new RegistrySettings.None(), SUBJECT, null));
    }

    @Test
    void theRegistrysCertificateIsVerifiedAgainstTheJvmsTrustStoreUnlessSslVerifyIsFalse() throws Exception {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        https.setHttpsConfigurator(new HttpsConfigurator(brokerCertificateContext()));
        https.createContext("/", exchange -> answer(exchange, 200, ANSWER.getBytes(StandardCharsets.UTF_8)));
        https.start();
        try {
            String url = "https://127.0.0.1:" + https.getAddress().getPort();
            RegistryFailure failure =
                    assertThrows(RegistryFailure.class, () -> client(url, true).fetch(SUBJECT));
            assertEquals(502, failure.status());
            assertEquals(
                    "the schema registry at " + url + " is unreachable (SSLHandshakeException)", failure.getMessage());
            assertEquals(
                    new FetchedSchema(SUBJECT, 3, 2, "AVRO", "\"string\""),
                    client(url, false).fetch(SUBJECT));
        } finally {
            https.stop(0);
        }
    }

    @Test
    void anAnswerOverTheBoundIsRefusedInsteadOfKeptAndTheSubjectIsOnePathSegment() throws Exception {
        AtomicReference<String> path = new AtomicReference<>();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        http.createContext("/", exchange -> {
            path.set(exchange.getRequestURI().getRawPath());
            answer(exchange, 200, new byte[RegistryHttp.MAX_ANSWER_BYTES + 1]);
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/ccompat";
            RegistrySettings.Subject odd = new RegistrySettings.Subject("a/b c?", "7");
            RegistryFailure failure =
                    assertThrows(RegistryFailure.class, () -> client(url, true).fetch(odd));
            assertEquals(
                    "the schema registry at " + url + " answered with more than 4194304 bytes", failure.getMessage());
            assertEquals("/ccompat/subjects/a%2Fb%20c%3F/versions/7", path.get());
        } finally {
            http.stop(0);
        }
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        try (exchange;
                InputStream in = exchange.getRequestBody();
                OutputStream out = exchange.getResponseBody()) {
            in.readAllBytes();
            exchange.sendResponseHeaders(status, body.length);
            out.write(body);
        } catch (IOException e) {
            // the client hung up: what this test is about, sometimes
        }
    }

    /** The test CA's broker certificate (localhost, 127.0.0.1), which the JVM's trust store does not know. */
    private static SSLContext brokerCertificateContext() throws Exception {
        TlsMaterial tls = TlsMaterial.get();
        KeyStore store = KeyStore.getInstance(tls.storeType());
        try (InputStream in = Files.newInputStream(tls.brokerKeystore())) {
            store.load(in, tls.password().toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, tls.password().toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
