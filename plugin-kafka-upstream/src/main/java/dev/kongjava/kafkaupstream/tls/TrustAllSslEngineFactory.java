package dev.kongjava.kafkaupstream.tls;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SslEngineFactory;

/**
 * TLS without verification of the broker, for {@code security.ssl_verify=false} only (the
 * default verifies). kafka-clients cannot switch verification off by configuration, so Kafka
 * loads this factory by name. A PEM client certificate still works for mTLS.
 */
public final class TrustAllSslEngineFactory implements SslEngineFactory {
    private SSLContext context;

    /** Kafka calls this with the producer's settings. */
    @Override
    public void configure(Map<String, ?> configs) {
        try {
            KeyManager[] keyManagers = null;
            Object chain = configs.get(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG);
            Object key = configs.get(SslConfigs.SSL_KEYSTORE_KEY_CONFIG);
            if (chain != null && key != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore(text(chain), text(key)), new char[0]);
                keyManagers = kmf.getKeyManagers();
            }
            context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] {new TrustAll()}, null);
        } catch (GeneralSecurityException e) {
            throw new KafkaException("cannot set up TLS without verification: " + e.getMessage(), e);
        }
    }

    private static String text(Object value) {
        return value instanceof Password p ? p.value() : String.valueOf(value);
    }

    private static KeyStore keyStore(String chainPem, String keyPem) throws GeneralSecurityException {
        Certificate[] chain = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(chainPem.getBytes(StandardCharsets.US_ASCII)))
                .toArray(new Certificate[0]);
        byte[] der = Base64.getMimeDecoder().decode(keyPem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey privateKey = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                privateKey = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                break;
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        if (privateKey == null) {
            throw new GeneralSecurityException("the client key is not an RSA, EC or Ed25519 PKCS#8 key");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        store.setKeyEntry("client", privateKey, new char[0], chain);
        return store;
    }

    @Override
    public SSLEngine createClientSslEngine(String peerHost, int peerPort, String endpointIdentification) {
        SSLEngine engine = context.createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(true);
        return engine;
    }

    @Override
    public SSLEngine createServerSslEngine(String peerHost, int peerPort) {
        throw new UnsupportedOperationException("a producer is never a TLS server");
    }

    @Override
    public boolean shouldBeRebuilt(Map<String, Object> nextConfigs) {
        return false;
    }

    @Override
    public Set<String> reconfigurableConfigs() {
        return Set.of();
    }

    @Override
    public KeyStore keystore() {
        return null;
    }

    @Override
    public KeyStore truststore() {
        return null;
    }

    @Override
    public void close() {
        context = null;
    }

    /**
     * Accepts every certificate and skips host name checks (the JDK checks the host in the trust
     * manager): this is what ssl_verify=false asks for, also of the schema registry's HTTP client.
     */
    public static final class TrustAll extends X509ExtendedTrustManager {
        /** A TLS context without client certificate that trusts every server: the token endpoint's and the registry's. */
        public static SSLContext context() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustAll()}, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS without verification: " + e.getMessage(), e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
