package dev.kongjava.kafkaupstream.tls;

/**
 * A client certificate for mTLS as Kafka's PEM key store wants it: the certificate chain and an
 * unencrypted PKCS#8 private key. {@link #toString()} never shows the key.
 */
public record ClientCertificate(String id, String chainPem, String pkcs8KeyPem) {
    @Override
    public String toString() {
        return "ClientCertificate[id=" + id + ", key=[hidden]]";
    }
}
