package dev.kongjava.testkit.kafka;

import java.util.Collection;
import java.util.Properties;
import java.util.UUID;

/**
 * Broker settings for the secured listeners: SASL (PLAIN, SCRAM, delegation tokens), TLS with an
 * MTLS variant, and an ACL authorizer with the {@code admin} super user.
 */
final class SecurityConfig {
    static final String MECHANISMS = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512";
    private static final String PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private SecurityConfig() {}

    /** Adds the security settings for every listener in {@code listeners} to {@code p}. */
    static void apply(
            Properties p, Collection<Listener> listeners, Collection<Credential> plainUsers, TlsMaterial tls) {
        p.setProperty("sasl.enabled.mechanisms", MECHANISMS);
        // Random per broker; it stays in the broker's properties, so after restart() the broker still
        // accepts the delegation tokens it issued before.
        p.setProperty("delegation.token.secret.key", UUID.randomUUID() + "-" + UUID.randomUUID());
        for (Listener listener : listeners) {
            if (listener.usesSasl()) {
                addSaslLogins(p, listener.configPrefix(), plainUsers);
            }
        }
        addTls(p, tls);
        addAuthorizer(p);
    }

    private static void addSaslLogins(Properties p, String prefix, Collection<Credential> plainUsers) {
        StringBuilder plain = new StringBuilder(PLAIN_MODULE).append(" required");
        for (Credential user : plainUsers) {
            plain.append(" user_")
                    .append(user.name())
                    .append("=\"")
                    .append(user.password())
                    .append('"');
        }
        p.setProperty(prefix + "plain.sasl.jaas.config", plain.append(';').toString());
        // SCRAM credentials live in the cluster metadata (added at format time), not in JAAS.
        p.setProperty(prefix + "scram-sha-256.sasl.jaas.config", SCRAM_MODULE + " required;");
        p.setProperty(prefix + "scram-sha-512.sasl.jaas.config", SCRAM_MODULE + " required;");
    }

    private static void addTls(Properties p, TlsMaterial tls) {
        p.setProperty("ssl.keystore.type", tls.storeType());
        p.setProperty("ssl.keystore.location", tls.brokerKeystore().toString());
        p.setProperty("ssl.keystore.password", tls.password());
        p.setProperty("ssl.key.password", tls.password());
        p.setProperty("ssl.truststore.type", tls.storeType());
        p.setProperty("ssl.truststore.location", tls.truststore().toString());
        p.setProperty("ssl.truststore.password", tls.password());
        p.setProperty("ssl.client.auth", "none");
        p.setProperty(Listener.MTLS.configPrefix() + "ssl.client.auth", "required");
        // MTLS clients become User:<CN>, e.g. User:kong-client, instead of the full distinguished name.
        p.setProperty("ssl.principal.mapping.rules", "RULE:^CN=([^,]+).*$/$1/,DEFAULT");
    }

    /**
     * ACLs are enforced, but a resource without ACLs is open to everyone, so tests that do not care
     * about ACLs just work and a test that adds one sees real authorization failures. ANONYMOUS is a
     * super user because the inter-broker and controller listeners are unauthenticated.
     */
    private static void addAuthorizer(Properties p) {
        p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.setProperty("super.users", "User:" + KafkaBroker.ADMIN_USER + ";User:ANONYMOUS");
        p.setProperty("allow.everyone.if.no.acl.found", "true");
    }
}
