package dev.kongjava.kafkaupstream.tls;

import javax.net.ssl.SSLContext;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

/**
 * TLS to the OAuth token endpoint without verification, for
 * {@code authentication.oauthbearer.token_endpoint_tls_verify=false} only. kafka-clients builds the
 * token endpoint's connections from the SSL context of a {@link DefaultSslEngineFactory} named in the
 * JAAS options (and casts to that class), so this one extends it and hands out a context that trusts
 * every certificate and host name.
 */
public final class TrustAllTokenEndpoint extends DefaultSslEngineFactory {
    private static final SSLContext TRUST_ALL = TrustAllSslEngineFactory.TrustAll.context();

    /** What kafka-clients' token retriever asks for its socket factory. */
    @Override
    public SSLContext sslContext() {
        return TRUST_ALL;
    }
}
