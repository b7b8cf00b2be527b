package dev.kongjava.testkit.kafka;

import java.util.Locale;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The listeners a {@link KafkaBroker} can open, each on its own 127.0.0.1 port.
 *
 * <p>{@link #PLAINTEXT} is always open and carries inter-broker traffic. The others are opened by
 * {@link KafkaBroker.Builder#security(boolean)}.
 */
public enum Listener {
    /** No encryption, no authentication; the test's own admin and consumer clients use it. */
    PLAINTEXT(SecurityProtocol.PLAINTEXT),
    /** SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, delegation tokens) without TLS. */
    SASL_PLAINTEXT(SecurityProtocol.SASL_PLAINTEXT),
    /** TLS with server authentication only. */
    SSL(SecurityProtocol.SSL),
    /** TLS that requires a client certificate signed by the test CA ({@code ssl.client.auth=required}). */
    MTLS(SecurityProtocol.SSL),
    /** SASL over TLS with server authentication. */
    SASL_SSL(SecurityProtocol.SASL_SSL);

    private final SecurityProtocol securityProtocol;

    Listener(SecurityProtocol securityProtocol) {
        this.securityProtocol = securityProtocol;
    }

    /**
     * The Kafka security protocol of this listener, the value a client sets as
     * {@code security.protocol}.
     *
     * @return the protocol, for example {@code SSL} for {@link #MTLS}
     */
    public SecurityProtocol securityProtocol() {
        return securityProtocol;
    }

    boolean usesSasl() {
        return securityProtocol == SecurityProtocol.SASL_PLAINTEXT || securityProtocol == SecurityProtocol.SASL_SSL;
    }

    boolean usesTls() {
        return securityProtocol == SecurityProtocol.SSL || securityProtocol == SecurityProtocol.SASL_SSL;
    }

    /** The prefix of per-listener broker settings, for example {@code listener.name.mtls.}. */
    String configPrefix() {
        return "listener.name." + name().toLowerCase(Locale.ROOT) + ".";
    }
}
