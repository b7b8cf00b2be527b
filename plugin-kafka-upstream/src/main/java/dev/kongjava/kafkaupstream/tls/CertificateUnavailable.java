package dev.kongjava.kafkaupstream.tls;

/**
 * An instance's TLS material could not be had (a Kong entity, a PEM value, a file); the message
 * names which and why, carries no secret, and is safe to show to a client.
 */
public final class CertificateUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    public CertificateUnavailable(String message) {
        super(message, null, false, false);
    }
}
