package dev.kongjava.testkit.kafka;

import dev.kongjava.testkit.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Test TLS material, generated once per JVM with the running JDK's {@code keytool}: a CA, a broker
 * certificate for {@code CN=localhost} (SAN {@code dns:localhost, ip:127.0.0.1}), a client
 * certificate for {@code CN=kong-client} signed by the same CA, and an unrelated "wrong" CA. All
 * keys are EC P-256.
 *
 * <p>The broker side gets PKCS12 files; the client side also gets PEM strings, because the plugin
 * under test receives client certificates as PEM from Kong's Admin API and trusts CAs from PEM
 * bundles. Files live in a temporary directory that is deleted when the JVM exits.
 */
public final class TlsMaterial {
    private static final String PASSWORD = "kongjava-test";
    private static final String STORE_TYPE = "PKCS12";
    private static final String CA = "ca";
    private static final String WRONG_CA = "wrong-ca";
    private static final String BROKER = "broker";
    private static final String CLIENT = "kong-client";
    // EC P-256 rather than RSA: keytool creates these keys in a fraction of RSA-2048's time (about
    // 2 s instead of 3-5 s for the whole set on two cores), and Kafka's PEM and PKCS12 stores, JSSE
    // and Kong all accept them.
    private static final List<String> KEY_ALGORITHM = List.of("-keyalg", "EC", "-groupname", "secp256r1");
    private static final String CA_DAYS = "3650";
    private static final String LEAF_DAYS = "825";
    private static TlsMaterial instance;

    private final Path directory;
    private final Duration generationTime;
    private final String caPem;
    private final String wrongCaPem;
    private final String clientChainPem;
    private final String clientKeyPem;

    private TlsMaterial(
            Path directory,
            Duration generationTime,
            String caPem,
            String wrongCaPem,
            String clientChainPem,
            String clientKeyPem) {
        this.directory = directory;
        this.generationTime = generationTime;
        this.caPem = caPem;
        this.wrongCaPem = wrongCaPem;
        this.clientChainPem = clientChainPem;
        this.clientKeyPem = clientKeyPem;
    }

    /**
     * Returns this JVM's TLS material, generating it on first use (about two seconds on two cores).
     *
     * @return the shared material
     */
    public static synchronized TlsMaterial get() {
        if (instance == null) {
            instance = generate();
        }
        return instance;
    }

    /**
     * Returns the broker's PKCS12 keystore: key entry {@code broker} with chain broker, CA.
     *
     * @return its path
     */
    public Path brokerKeystore() {
        return directory.resolve("broker.keystore.p12");
    }

    /**
     * Returns a PKCS12 truststore holding the CA certificate as entry {@code ca}.
     *
     * @return its path
     */
    public Path truststore() {
        return directory.resolve("truststore.p12");
    }

    /**
     * Returns a PKCS12 keystore with the client key and chain, for clients that want a file.
     *
     * @return its path
     */
    public Path clientKeystore() {
        return directory.resolve("client.keystore.p12");
    }

    /**
     * Returns the password of every store and key in this material.
     *
     * @return the password
     */
    public String password() {
        return PASSWORD;
    }

    /**
     * Returns the store type of the files, {@code PKCS12}.
     *
     * @return {@code PKCS12}
     */
    public String storeType() {
        return STORE_TYPE;
    }

    /**
     * Returns the CA certificate as PEM ({@code -----BEGIN CERTIFICATE-----}).
     *
     * @return one PEM certificate block
     */
    public String caCertificatePem() {
        return caPem;
    }

    /**
     * Returns the certificate of an unrelated CA that signed nothing here, as PEM.
     *
     * @return one PEM certificate block
     */
    public String wrongCaCertificatePem() {
        return wrongCaPem;
    }

    /**
     * Returns the client certificate followed by the CA certificate, as PEM.
     *
     * @return two PEM certificate blocks
     */
    public String clientCertificateChainPem() {
        return clientChainPem;
    }

    /**
     * Returns the client's private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}).
     *
     * @return one PEM private key block
     */
    public String clientPrivateKeyPem() {
        return clientKeyPem;
    }

    /**
     * Returns how long generating this material took.
     *
     * @return the generation time
     */
    public Duration generationTime() {
        return generationTime;
    }

    private static TlsMaterial generate() {
        long started = System.nanoTime();
        try {
            Path dir = TempDirs.create("kongjava-tls-");
            TempDirs.deleteOnExit(dir);
            Keytool keytool = new Keytool(dir);
            keytool.runAll(
                    List.of(caKeyPair(CA, "CN=Kong Java Test CA"), caKeyPair(WRONG_CA, "CN=Kong Java Wrong CA")));
            // keytool signs only with a key in the same keystore, so each leaf gets its own copy of the CA.
            Files.copy(dir.resolve("ca.p12"), dir.resolve(BROKER + ".work.p12"));
            Files.copy(dir.resolve("ca.p12"), dir.resolve(CLIENT + ".work.p12"));
            keytool.runAll(List.of(
                    leafKeyPair(BROKER, "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1"),
                    leafKeyPair(CLIENT, "CN=kong-client", "EKU=clientAuth")));
            Certificate ca = load(dir.resolve("ca.p12")).getCertificate(CA);
            Certificate wrongCa = load(dir.resolve(WRONG_CA + ".p12")).getCertificate(WRONG_CA);
            moveKeyEntry(dir, BROKER, dir.resolve("broker.keystore.p12"));
            KeyStore client = moveKeyEntry(dir, CLIENT, dir.resolve("client.keystore.p12"));
            writeTruststore(ca, dir.resolve("truststore.p12"));
            return new TlsMaterial(
                    dir,
                    Duration.ofNanos(System.nanoTime() - started),
                    Pem.certificates(ca),
                    Pem.certificates(wrongCa),
                    Pem.certificates(client.getCertificateChain(CLIENT)),
                    Pem.privateKey(client.getKey(CLIENT, PASSWORD.toCharArray())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate test TLS material", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate test TLS material: " + e, e);
        }
    }

    private static List<String> caKeyPair(String alias, String dname) {
        return keyPair(alias + ".p12", alias, dname, "-validity", CA_DAYS, "-ext", "bc:c");
    }

    /** A key pair whose certificate the CA signs, in a work copy of the CA's keystore. */
    private static List<String> leafKeyPair(String alias, String dname, String extension) {
        return keyPair(alias + ".work.p12", alias, dname, "-validity", LEAF_DAYS, "-signer", CA, "-ext", extension);
    }

    /** A {@code keytool -genkeypair} invocation; {@code more} adds validity, signer and extensions. */
    private static List<String> keyPair(String file, String alias, String dname, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "-genkeypair",
                "-keystore",
                file,
                "-storetype",
                STORE_TYPE,
                "-storepass",
                PASSWORD,
                "-alias",
                alias,
                "-dname",
                dname));
        args.addAll(KEY_ALGORITHM);
        args.addAll(List.of(more));
        return args;
    }

    /**
     * Moves one key entry (key and chain) from its work keystore into a keystore of its own, leaving
     * the CA's private key behind, and deletes the work keystore.
     */
    private static KeyStore moveKeyEntry(Path dir, String alias, Path to) throws GeneralSecurityException, IOException {
        Path work = dir.resolve(alias + ".work.p12");
        KeyStore source = load(work);
        KeyStore target = KeyStore.getInstance(STORE_TYPE);
        target.load(null, null);
        target.setKeyEntry(
                alias,
                source.getKey(alias, PASSWORD.toCharArray()),
                PASSWORD.toCharArray(),
                source.getCertificateChain(alias));
        store(target, to);
        Files.delete(work);
        return target;
    }

    private static void writeTruststore(Certificate ca, Path to) throws GeneralSecurityException, IOException {
        KeyStore target = KeyStore.getInstance(STORE_TYPE);
        target.load(null, null);
        target.setCertificateEntry(CA, ca);
        store(target, to);
    }

    private static KeyStore load(Path file) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(STORE_TYPE);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static void store(KeyStore store, Path file) throws GeneralSecurityException, IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
    }

    /** PEM encoding of certificates and PKCS#8 keys with plain JDK Base64. */
    private static final class Pem {
        private static final Base64.Encoder BASE64 =
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

        static String certificates(Certificate... certificates) throws GeneralSecurityException {
            StringBuilder pem = new StringBuilder();
            for (Certificate certificate : certificates) {
                pem.append(block("CERTIFICATE", certificate.getEncoded()));
            }
            return pem.toString();
        }

        static String privateKey(Key key) {
            if (!"PKCS#8".equals(key.getFormat())) {
                throw new IllegalStateException("expected a PKCS#8 private key, got " + key.getFormat());
            }
            return block("PRIVATE KEY", key.getEncoded());
        }

        private static String block(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
        }
    }
}
