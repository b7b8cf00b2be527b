package dev.kongjava.kafkaupstream.tls;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Private keys as Kafka's PEM key store accepts them: PKCS#8. Kong certificates often carry
 * PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}) keys; those are wrapped into a
 * PKCS#8 {@code PrivateKeyInfo} here, then checked by loading them.
 */
public final class PemKeys {
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
    private static final byte[] EC_OID = hex("06072a8648ce3d0201");

    private PemKeys() {}

    /** The key as {@code -----BEGIN PRIVATE KEY-----} PEM. */
    public static String toPkcs8Pem(String pem) throws GeneralSecurityException {
        Matcher m = PEM.matcher(pem == null ? "" : pem);
        if (!m.find()) {
            throw new GeneralSecurityException("the certificate's key is not a PEM private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        byte[] pkcs8 = switch (m.group(1)) {
            case "PRIVATE KEY" -> der;
            case "RSA PRIVATE KEY" -> privateKeyInfo(RSA_ALGORITHM, der);
            case "EC PRIVATE KEY" -> privateKeyInfo(der(0x30, concat(EC_OID, curveOf(der))), der);
            default ->
                throw new GeneralSecurityException(
                        "unsupported private key type '" + m.group(1) + "' (use an unencrypted RSA, EC or PKCS#8 key)");
        };
        check(pkcs8);
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static void check(byte[] pkcs8) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                return;
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("the certificate's private key cannot be loaded", last);
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, algorithm, OCTET STRING key }. */
    private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
        return der(0x30, concat(hex("020100"), algorithm, der(0x04, key)));
    }

    /** The named-curve OID from an ECPrivateKey's [0] parameters (RFC 5915). */
    private static byte[] curveOf(byte[] sec1) throws GeneralSecurityException {
        int[] seq = header(sec1, 0);
        int pos = seq[1];
        while (pos < sec1.length) {
            int[] h = header(sec1, pos);
            if ((sec1[pos] & 0xff) == 0xa0) {
                return Arrays.copyOfRange(sec1, h[1], h[1] + h[2]);
            }
            pos = h[1] + h[2];
        }
        throw new GeneralSecurityException("EC private key without its curve parameters");
    }

    /** {tag, content offset, content length} of the DER element at {@code pos}. */
    private static int[] header(byte[] der, int pos) throws GeneralSecurityException {
        if (pos + 2 > der.length) {
            throw new GeneralSecurityException("truncated DER in private key");
        }
        int length = der[pos + 1] & 0xff;
        int offset = pos + 2;
        if (length > 0x80) {
            int bytes = length & 0x7f;
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (der[offset++] & 0xff);
            }
        }
        return new int[] {der[pos] & 0xff, offset, length};
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
