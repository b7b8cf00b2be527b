package dev.kongjava.testkit.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * RS256 JSON Web Tokens and the JSON Web Key Set that verifies them, written with the JDK alone so
 * that the verifying side (Kafka's jose4j-based validator) shares no code with the issuing side.
 */
final class JwtSigner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final String keyId = "testkit-" + UUID.randomUUID();
    private final KeyPair published = rsaKeyPair();
    private final KeyPair unpublished = rsaKeyPair();

    /** A compact JWS of {@code claims}, signed with the published key or, if not, with another one. */
    String sign(Map<String, Object> claims, boolean withPublishedKey) {
        Map<String, Object> header = Map.of("alg", "RS256", "typ", "JWT", "kid", keyId);
        String signingInput = base64Json(header) + "." + base64Json(claims);
        PrivateKey key = (withPublishedKey ? published : unpublished).getPrivate();
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a JWT with RS256", e);
        }
    }

    /** The JWKS document with the published key only. */
    String jwks() {
        RSAPublicKey key = (RSAPublicKey) published.getPublic();
        Map<String, Object> jwk = Map.of(
                "kty",
                "RSA",
                "use",
                "sig",
                "alg",
                "RS256",
                "kid",
                keyId,
                "n",
                unsigned(key.getModulus()),
                "e",
                unsigned(key.getPublicExponent()));
        return toJson(Map.of("keys", List.of(jwk)));
    }

    /** RFC 7518 6.3.1: big-endian unsigned bytes without the sign byte that BigInteger may add. */
    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return BASE64URL.encodeToString(bytes);
    }

    private static String base64Json(Map<String, Object> value) {
        return BASE64URL.encodeToString(toJson(value).getBytes(StandardCharsets.UTF_8));
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON for " + value, e);
        }
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key pair", e);
        }
    }
}
