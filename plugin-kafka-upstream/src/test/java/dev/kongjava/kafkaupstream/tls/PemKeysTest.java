package dev.kongjava.kafkaupstream.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Keys generated with openssl (test resources): PKCS#1, SEC1 and PKCS#8. */
class PemKeysTest {
    static String resource(String name) throws Exception {
        try (var in = PemKeysTest.class.getResourceAsStream("/keys/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static byte[] der(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }

    @Test
    void aPkcs1RsaKeyBecomesThePkcs8KeyOpensslWouldWrite() throws Exception {
        String converted = PemKeys.toPkcs8Pem(resource("rsa-pkcs1.pem"));
        assertTrue(converted.startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertArrayEquals(der(resource("rsa-pkcs8.pem")), der(converted));
    }

    @Test
    void aSec1EcKeyBecomesALoadablePkcs8Key() throws Exception {
        String converted = PemKeys.toPkcs8Pem(resource("ec-sec1.pem"));
        assertEquals(
                "EC",
                KeyFactory.getInstance("EC")
                        .generatePrivate(new PKCS8EncodedKeySpec(der(converted)))
                        .getAlgorithm());
    }

    @Test
    void aPkcs8KeyIsKeptAsItIs() throws Exception {
        assertArrayEquals(der(resource("rsa-pkcs8.pem")), der(PemKeys.toPkcs8Pem(resource("rsa-pkcs8.pem"))));
    }

    @Test
    void somethingThatIsNotAKeyIsNamedClearly() {
        assertEquals(
                "the certificate's key is not a PEM private key",
                assertThrows(GeneralSecurityException.class, () -> PemKeys.toPkcs8Pem("nope"))
                        .getMessage());
        assertEquals(
                "unsupported private key type 'ENCRYPTED PRIVATE KEY' (use an unencrypted RSA, EC or PKCS#8 key)",
                assertThrows(
                                GeneralSecurityException.class,
                                () -> PemKeys.toPkcs8Pem(
                                        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"))
                        .getMessage());
        assertEquals(
                "the certificate's private key cannot be loaded",
                assertThrows(
                                GeneralSecurityException.class,
                                () -> PemKeys.toPkcs8Pem(
                                        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                        .getMessage());
    }
}
