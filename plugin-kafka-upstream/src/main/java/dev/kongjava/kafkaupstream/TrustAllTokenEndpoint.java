package dev.kongjava.kafkaupstream;

import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

/**
 * TLS to the OAuth token endpoint without verification, for
 * {@code authentication.oauthbearer.token_endpoint_tls_verify=false} only. kafka-clients builds the
 * token endpoint's connections from the SSL context of a {@link DefaultSslEngineFactory} named in the
 * JAAS options (and casts to that class), so this one extends it and hands out a context that trusts
 * every certificate and host name.
 */
public final class TrustAllTokenEndpoint extends DefaultSslEngineFactory {
    private static final SSLContext TRUST_ALL = trustAll();

    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAllSslEngineFactory.TrustAll()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new KafkaException("cannot set up TLS without verification: " + e.getMessage(), e);
        }
    }

    /** What kafka-clients' token retriever asks for its socket factory. */
    @Override
    public SSLContext sslContext() {
        return TRUST_ALL;
    }
}
