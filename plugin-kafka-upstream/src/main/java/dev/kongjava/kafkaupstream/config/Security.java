package dev.kongjava.kafkaupstream.config;

import static dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema.ABSOLUTE_PATH;

import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.Doc;
import dev.kongjava.pluginserver.schema.Err;
import dev.kongjava.pluginserver.schema.MapsTo;
import dev.kongjava.pluginserver.schema.Matches;
import dev.kongjava.pluginserver.schema.Referenceable;
import dev.kongjava.pluginserver.schema.Secret;
import dev.kongjava.pluginserver.schema.Uuid;
import java.util.List;

/** TLS to the brokers and where its certificates come from. {@link #toString()} masks the key. */
public record Security(
        @Default("false")
        @Doc("TLS to the brokers; the broker certificate is verified.")
        @MapsTo("`security.protocol` SSL / SASL_SSL")
        boolean ssl,

        @Uuid
        @Doc("Kong Certificate entity used as the client certificate (mTLS); needs `ssl`.")
        @MapsTo("`ssl.keystore.type=PEM`, `ssl.keystore.certificate.chain`, `ssl.keystore.key`")
        String certificateId,

        @Default("true")
        @Doc("Verify the broker certificate and host name; false trusts any certificate.")
        @MapsTo("`ssl.endpoint.identification.algorithm=https` and a verifying trust manager")
        boolean sslVerify,

        @Default("[]")
        @Doc("Kong CA Certificate entities trusted for the brokers, instead of the server's CA bundle.")
        @MapsTo("`ssl.truststore.type=PEM`, `ssl.truststore.certificates`")
        List<@Uuid String> caCertificates,
        // no Admin API on hybrid and DB-less data planes: PEM in the config (vault references
        // resolved by Kong) or files on the data plane
        @Referenceable
        @Doc("Client certificate for mTLS as PEM, the leaf first; needs `ssl` and `client_key_pem`.")
        @MapsTo("`ssl.keystore.certificate.chain`")
        String clientCertificatePem,

        @Referenceable
        @Secret
        @Doc("Private key of client_certificate_pem as PEM: PKCS#8, RSA or EC, unencrypted.")
        @MapsTo("`ssl.keystore.key` (as PKCS#8)")
        String clientKeyPem,

        @Matches("^/")
        @Err(ABSOLUTE_PATH)
        @Doc("PEM file of the client certificate on the data plane; needs `ssl` and `client_key_file`.")
        @MapsTo("`ssl.keystore.certificate.chain`")
        String clientCertificateFile,

        @Matches("^/")
        @Err(ABSOLUTE_PATH)
        @Doc("PEM file of client_certificate_file's private key on the data plane.")
        @MapsTo("`ssl.keystore.key` (as PKCS#8)")
        String clientKeyFile,

        @Referenceable
        @Doc("CA certificates (PEM) trusted for the brokers, instead of the server's CA bundle.")
        @MapsTo("`ssl.truststore.certificates`")
        String caCertificatesPem,

        @Matches("^/")
        @Err(ABSOLUTE_PATH)
        @Doc("PEM file of CA certificates on the data plane, trusted instead of the server's CA bundle.")
        @MapsTo("`ssl.truststore.certificates`")
        String caCertificatesFile) {
    @Override
    public String toString() {
        return "Security[ssl=" + ssl + ", certificateId=" + certificateId + ", sslVerify=" + sslVerify
                + ", caCertificates=" + caCertificates + ", clientKeyPem=" + ConfigFields.masked(clientKeyPem)
                + ", clientCertificateFile=" + clientCertificateFile + ", clientKeyFile=" + clientKeyFile
                + ", caCertificatesFile=" + caCertificatesFile + "]";
    }
}
