package dev.kongjava.testkit.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsMaterialIT {
    private final TlsMaterial tls = TlsMaterial.get();

    @Test
    void materialIsGeneratedOncePerJvm() {
        assertSame(tls, TlsMaterial.get());
        System.out.printf(
                "TLS material generated in %d ms%n", tls.generationTime().toMillis());
    }

    @Test
    void clientChainIsSignedByTheCaAndNotByTheWrongCa() throws Exception {
        List<X509Certificate> chain = certificates(tls.clientCertificateChainPem());
        X509Certificate ca = certificates(tls.caCertificatePem()).getFirst();
        X509Certificate wrongCa = certificates(tls.wrongCaCertificatePem()).getFirst();

        assertEquals(2, chain.size());
        assertEquals(
                "CN=kong-client", chain.getFirst().getSubjectX500Principal().getName());
        assertEquals(ca, chain.get(1));
        chain.getFirst().verify(ca.getPublicKey());
        assertThrows(SignatureException.class, () -> chain.getFirst().verify(wrongCa.getPublicKey()));
    }

    @Test
    void bothCasAreCertificateAuthorities() throws Exception {
        X509Certificate ca = certificates(tls.caCertificatePem()).getFirst();
        X509Certificate wrongCa = certificates(tls.wrongCaCertificatePem()).getFirst();

        assertEquals(Integer.MAX_VALUE, ca.getBasicConstraints());
        assertEquals(Integer.MAX_VALUE, wrongCa.getBasicConstraints());
        assertNotEquals(ca, wrongCa);
    }

    @Test
    void clientPrivateKeyIsPkcs8PemMatchingTheClientCertificate() throws Exception {
        String pem = tls.clientPrivateKeyPem();
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem);
        assertTrue(pem.endsWith("\n-----END PRIVATE KEY-----\n"), pem);
        X509Certificate client = certificates(tls.clientCertificateChainPem()).getFirst();
        PrivateKey key = KeyFactory.getInstance(client.getPublicKey().getAlgorithm())
                .generatePrivate(new PKCS8EncodedKeySpec(
                        Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""))));
        byte[] message = "kong".getBytes(StandardCharsets.UTF_8);

        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(client.getPublicKey());
        verifier.update(message);

        assertTrue(verifier.verify(signature));
    }

    @Test
    void brokerKeystoreHoldsOnlyTheLocalhostKeyWithLoopbackNames() throws Exception {
        KeyStore keystore = KeyStore.getInstance(tls.storeType());
        try (InputStream in = Files.newInputStream(tls.brokerKeystore())) {
            keystore.load(in, tls.password().toCharArray());
        }
        X509Certificate broker = (X509Certificate) keystore.getCertificate("broker");

        assertEquals(List.of("broker"), Collections.list(keystore.aliases()));
        assertEquals("CN=localhost", broker.getSubjectX500Principal().getName());
        assertEquals(
                List.of(List.of(2, "localhost"), List.of(7, "127.0.0.1")),
                broker.getSubjectAlternativeNames().stream().toList());
        assertEquals(2, keystore.getCertificateChain("broker").length);
    }

    @Test
    void truststoreHoldsTheCaCertificate() throws Exception {
        KeyStore truststore = KeyStore.getInstance(tls.storeType());
        try (InputStream in = Files.newInputStream(tls.truststore())) {
            truststore.load(in, tls.password().toCharArray());
        }

        assertArrayEquals(
                certificates(tls.caCertificatePem()).getFirst().getEncoded(),
                truststore.getCertificate("ca").getEncoded());
    }

    @SuppressWarnings("unchecked")
    private static List<X509Certificate> certificates(String pem) throws Exception {
        return List.copyOf((java.util.Collection<X509Certificate>) CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
    }
}
