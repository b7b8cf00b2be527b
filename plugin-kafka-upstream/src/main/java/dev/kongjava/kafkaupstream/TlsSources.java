package dev.kongjava.kafkaupstream;

import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.tls.CertificateUnavailable;
import dev.kongjava.kafkaupstream.tls.ClientCertificate;
import dev.kongjava.kafkaupstream.tls.KongCertificates;
import dev.kongjava.kafkaupstream.tls.PemKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;

/**
 * Where an instance's TLS material comes from, per the security record: Kong entities read through
 * the Admin API ({@code certificate_id}, {@code ca_certificates}: traditional mode only), PEM in the
 * config ({@code *_pem}: any mode, vault references resolved by Kong before the server sees them),
 * or files on the data plane ({@code *_file}, read when the instance's producer is created). Without
 * a CA source the server's {@code --kafka-ca-bundle} is trusted, else the JVM's trust store. The
 * schema allows at most one source of each. Errors name the field and never show PEM content.
 */
final class TlsSources {
    private final KongCertificates kong;
    private final String caBundle;

    /** @param caBundle the PEM of {@code --kafka-ca-bundle}, or null */
    TlsSources(KongCertificates kong, String caBundle) {
        this.kong = kong;
        this.caBundle = caBundle;
    }

    /** The server-wide trusted CAs ({@code --kafka-ca-bundle}), or null for the JVM's trust store. */
    String caBundle() {
        return caBundle;
    }

    /** The client certificate for mTLS, or null when the config names none. */
    ClientCertificate clientCertificate(KafkaUpstreamConfig.Tls tls) throws CertificateUnavailable {
        if (tls.certificateId() != null) {
            return kong.clientCertificate(tls.certificateId());
        }
        if (tls.clientCertificatePem() != null) {
            return client(
                    "security.client_certificate_pem",
                    tls.clientCertificatePem(),
                    "security.client_key_pem",
                    tls.clientKeyPem());
        }
        if (tls.clientCertificateFile() != null) {
            return client(
                    tls.clientCertificateFile(),
                    read("security.client_certificate_file", tls.clientCertificateFile()),
                    tls.clientKeyFile(),
                    read("security.client_key_file", tls.clientKeyFile()));
        }
        return null;
    }

    /** The PEM of the CAs trusted for the brokers, or null for the JVM's trust store. */
    String trustedCertificates(KafkaUpstreamConfig.Tls tls) throws CertificateUnavailable {
        if (!tls.caCertificateIds().isEmpty()) {
            StringBuilder pems = new StringBuilder();
            for (String id : tls.caCertificateIds()) {
                pems.append(kong.caCertificate(id).strip()).append('\n');
            }
            return pems.toString();
        }
        if (tls.caCertificatesPem() != null) {
            return certificates("security.ca_certificates_pem", tls.caCertificatesPem());
        }
        if (tls.caCertificatesFile() != null) {
            return certificates(
                    tls.caCertificatesFile(), read("security.ca_certificates_file", tls.caCertificatesFile()));
        }
        return caBundle;
    }

    /** @param certificateName and {@code keyName} say where each came from, for errors */
    private static ClientCertificate client(
            String certificateName, String certificatePem, String keyName, String keyPem)
            throws CertificateUnavailable {
        try {
            return new ClientCertificate(
                    certificateName, certificates(certificateName, certificatePem), PemKeys.toPkcs8Pem(keyPem));
        } catch (GeneralSecurityException e) {
            throw new CertificateUnavailable("could not load the client key " + keyName + ": " + e.getMessage());
        }
    }

    /** The PEM as given, once Java has read at least one X.509 certificate from it. */
    private static String certificates(String name, String pem) throws CertificateUnavailable {
        try {
            if (!CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.ISO_8859_1)))
                    .isEmpty()) {
                return pem;
            }
        } catch (GeneralSecurityException e) {
            // reported below, without the parser's text, which may quote the input
        }
        throw new CertificateUnavailable(name + " holds no PEM certificate");
    }

    private static String read(String field, String path) throws CertificateUnavailable {
        try {
            return Files.readString(Path.of(path), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            throw new CertificateUnavailable(
                    "could not read " + field + " " + path + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
