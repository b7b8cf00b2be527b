package dev.kongjava.testkit.kafka;

import java.util.HashMap;
import java.util.Map;

/** Client settings for connecting to one listener of a test broker. */
final class ClientSettings {
    private ClientSettings() {}

    /**
     * Settings for {@code listener}: bootstrap servers and security protocol, the test CA as trust
     * for TLS listeners, the {@code kong-client} certificate for MTLS, and a PLAIN login as
     * {@code user} for SASL listeners.
     */
    static Map<String, Object> forListener(Listener listener, String bootstrap, TlsMaterial tls, Credential user) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrap);
        settings.put("security.protocol", listener.securityProtocol().name);
        if (listener.usesTls()) {
            settings.put("ssl.truststore.type", tls.storeType());
            settings.put("ssl.truststore.location", tls.truststore().toString());
            settings.put("ssl.truststore.password", tls.password());
        }
        if (listener == Listener.MTLS) {
            settings.put("ssl.keystore.type", "PEM");
            settings.put("ssl.keystore.certificate.chain", tls.clientCertificateChainPem());
            settings.put("ssl.keystore.key", tls.clientPrivateKeyPem());
        }
        if (listener.usesSasl()) {
            settings.putAll(saslLogin("PLAIN", user));
        }
        return settings;
    }

    /** The SASL settings for logging in as {@code user} with {@code mechanism}. */
    static Map<String, Object> saslLogin(String mechanism, Credential user) {
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return Map.of(
                "sasl.mechanism", mechanism, "sasl.jaas.config", module + " required " + user.jaasOptions() + ";");
    }
}
