package dev.kongjava.kafkaupstream;

/**
 * An instance's TLS material could not be had (a Kong entity, a PEM value, a file); the message
 * names which and why, carries no secret, and is safe to show to a client.
 */
final class CertificateUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    CertificateUnavailable(String message) {
        super(message, null, false, false);
    }
}
