package dev.kongjava.testkit.kafka;

import dev.kongjava.testkit.oauth.OAuthServer;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Broker settings for SASL OAUTHBEARER on the SASL listeners, with tokens checked by Kafka's own
 * validator ({@link RecordingOAuthValidator} extends it) against the JWKS, issuer and audience of an
 * {@link OAuthServer}.
 */
final class OAuthBearerConfig {
    /**
     * Kafka 4 reads OAuth URLs (a broker's JWKS, a client's token endpoint) only if this JVM-wide
     * system property lists them, comma-separated and exactly as configured; by default it lists none.
     */
    static final String ALLOWED_URLS = "org.apache.kafka.sasl.oauthbearer.allowed.urls";

    private static final String LOGIN_MODULE = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";

    private OAuthBearerConfig() {}

    /**
     * Adds OAUTHBEARER to the SASL listeners in {@code listeners} and allows the JWKS URL in this JVM;
     * {@code brokerId} names the broker's records in {@link RecordingOAuthValidator}.
     */
    static void apply(Properties p, Collection<Listener> listeners, OAuthServer oauth, String brokerId) {
        p.setProperty("sasl.enabled.mechanisms", SecurityConfig.MECHANISMS + ",OAUTHBEARER");
        for (Listener listener : listeners) {
            if (listener.usesSasl()) {
                String prefix = listener.configPrefix() + "oauthbearer.";
                // The broker logs itself in with the JAAS entry too (Kafka's unsecured login handler,
                // never used to connect here), which needs a subject once the entry has any option.
                p.setProperty(
                        prefix + "sasl.jaas.config",
                        LOGIN_MODULE + " required"
                                + " unsecuredLoginStringClaim_sub=\"broker\""
                                + " " + RecordingOAuthValidator.BROKER_OPTION + "=\"" + brokerId + "\";");
                p.setProperty(prefix + "sasl.server.callback.handler.class", RecordingOAuthValidator.class.getName());
            }
        }
        p.setProperty("sasl.oauthbearer.jwks.endpoint.url", oauth.jwksUrl());
        p.setProperty("sasl.oauthbearer.expected.issuer", oauth.issuer());
        p.setProperty("sasl.oauthbearer.expected.audience", oauth.audience());
        // The broker runs in this JVM, so it needs its JWKS URL listed here. The token endpoint is
        // not added: a client has to allow it itself, as a plugin server in production must.
        allowUrl(oauth.jwksUrl());
    }

    /** Adds {@code url} to {@value #ALLOWED_URLS}, keeping what is listed already. */
    static synchronized void allowUrl(String url) {
        String current = System.getProperty(ALLOWED_URLS, "");
        Set<String> urls = Arrays.stream(current.split(","))
                .map(String::trim)
                .filter(u -> !u.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        urls.add(url);
        System.setProperty(ALLOWED_URLS, String.join(",", urls));
    }
}
