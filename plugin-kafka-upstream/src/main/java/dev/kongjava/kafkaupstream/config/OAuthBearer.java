package dev.kongjava.kafkaupstream.config;

import dev.kongjava.kafkaupstream.tls.TrustAllTokenEndpoint;
import dev.kongjava.pluginserver.plugin.ServerFlag;
import dev.kongjava.pluginserver.schema.ConfigException;
import dev.kongjava.pluginserver.schema.ConfigValues;
import dev.kongjava.pluginserver.schema.EntityCheck;
import dev.kongjava.pluginserver.schema.Match;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * SASL OAUTHBEARER with the client_credentials grant (Kong Enterprise 3.15's
 * {@code authentication.oauthbearer}): kafka-clients' own login handler fetches a JWT from the token
 * endpoint when the producer is created and refreshes it before it expires; this class only maps the
 * config onto Kafka's settings. The client secret goes into a Kafka setting of type password (never
 * into the JAAS text), so neither Kafka nor this server logs it.
 */
public final class OAuthBearer {
    private OAuthBearer() {}

    /** Kafka reads a token endpoint only if this JVM-wide property lists it exactly (comma-separated; none by default). */
    static final String ALLOWED_URLS = "org.apache.kafka.sasl.oauthbearer.allowed.urls";

    public static final ServerFlag ALLOWED_URLS_FLAG = new ServerFlag(
            "oauth-allowed-urls",
            "url[,url...]",
            "token endpoints authentication.oauthbearer may name (default: none)");

    private static final String LOGIN_MODULE = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";
    private static final String LOGIN_HANDLER =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler";

    /** The {@code authentication.oauthbearer} record; {@code toString} masks the secret. */
    record Settings(
            String tokenEndpointUrl,
            String clientId,
            String clientSecret,
            List<String> scopes,
            Map<String, String> extensions,
            boolean tlsVerify) {
        @Override
        public String toString() {
            return "OAuthBearer[tokenEndpointUrl=" + tokenEndpointUrl + ", clientId=" + clientId + ", clientSecret="
                    + ConfigValues.MASK + ", scopes=" + scopes + ", extensions=" + extensions.keySet()
                    + ", tlsVerify=" + tlsVerify + "]";
        }
    }

    /** An OAUTHBEARER login needs {@code field} of {@code authentication.oauthbearer} (endpoint, client id and secret). */
    static EntityCheck needs(String field) {
        return EntityCheck.conditional(
                "authentication.mechanism",
                Match.eq("OAUTHBEARER"),
                "authentication.oauthbearer." + field,
                Match.required());
    }

    /** The settings of an OAUTHBEARER login, or null when the config has another (or no) mechanism. */
    static Settings from(Authentication a) {
        if (a.strategy() != Authentication.Strategy.SASL || a.mechanism() != Authentication.Mechanism.OAUTHBEARER) {
            return null;
        }
        Authentication.OAuthBearerFields o = a.oauthbearer();
        return new Settings(
                o.tokenEndpointUrl(),
                o.clientId(),
                o.clientSecret(),
                o.scopes(),
                Collections.unmodifiableMap(new TreeMap<>(o.extensions())), // sorted: one JAAS text
                o.tokenEndpointTlsVerify());
    }

    /**
     * Kafka's settings for the login. The token request is bounded like a Produce request: connecting
     * within {@code timeout}, an answer within the request timeout, retries (5xx, network errors) for
     * at most the request timeout; a producer whose login fails is not created (see the handler).
     */
    static void configure(Map<String, Object> p, Settings s, int timeout, KafkaUpstreamConfig.Producer pc) {
        p.put(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS, LOGIN_HANDLER);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(s));
        p.put(SaslConfigs.SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL, s.tokenEndpointUrl());
        p.put(SaslConfigs.SASL_OAUTHBEARER_CLIENT_CREDENTIALS_CLIENT_ID, s.clientId());
        p.put(SaslConfigs.SASL_OAUTHBEARER_CLIENT_CREDENTIALS_CLIENT_SECRET, s.clientSecret());
        if (!s.scopes().isEmpty()) {
            p.put(SaslConfigs.SASL_OAUTHBEARER_SCOPE, String.join(" ", s.scopes()));
        }
        p.put(SaslConfigs.SASL_LOGIN_CONNECT_TIMEOUT_MS, timeout);
        p.put(SaslConfigs.SASL_LOGIN_READ_TIMEOUT_MS, pc.requestTimeout());
        p.put(SaslConfigs.SASL_LOGIN_RETRY_BACKOFF_MS, (long) Math.max(pc.backoff(), 1));
        p.put(SaslConfigs.SASL_LOGIN_RETRY_BACKOFF_MAX_MS, (long) pc.requestTimeout());
    }

    /**
     * Kafka takes SASL extensions, and the TLS settings of the token endpoint, only as JAAS options;
     * the schema limits names to letters and values to printable ASCII, and every value is quoted.
     */
    static String jaas(Settings s) {
        StringBuilder jaas = new StringBuilder(LOGIN_MODULE).append(" required");
        s.extensions()
                .forEach((name, value) -> jaas.append(" extension_")
                        .append(name)
                        .append("=\"")
                        .append(ProducerSettings.quote(value))
                        .append('"'));
        if (!s.tlsVerify()) {
            // kafka-clients verifies the token endpoint with its default engine factory, host name included
            jaas.append(' ')
                    .append(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG)
                    .append("=\"")
                    .append(TrustAllTokenEndpoint.class.getName())
                    .append('"');
        }
        return jaas.append(';').toString();
    }

    /** Adds the URLs of {@code --oauth-allowed-urls} to Kafka's allowlist, keeping what it lists already. */
    public static synchronized void allow(String commaSeparated) {
        Set<String> urls = allowed();
        urls.addAll(split(commaSeparated));
        System.setProperty(ALLOWED_URLS, String.join(",", urls));
    }

    /** Refuses an instance whose token endpoint Kafka would refuse, with the flag that allows it. */
    public static void checkAllowed(String plugin, Settings s) {
        if (s != null && !allowed().contains(s.tokenEndpointUrl())) {
            throw new ConfigException(
                    plugin,
                    "authentication.oauthbearer.token_endpoint_url",
                    "\"" + s.tokenEndpointUrl() + "\"",
                    "not among the token endpoints this server allows; start it " + "with --" + ALLOWED_URLS_FLAG.name()
                            + " " + s.tokenEndpointUrl());
        }
    }

    private static Set<String> allowed() {
        return new LinkedHashSet<>(split(System.getProperty(ALLOWED_URLS, "")));
    }

    private static List<String> split(String urls) {
        return Arrays.stream(urls.split(","))
                .map(String::trim)
                .filter(u -> !u.isEmpty())
                .collect(Collectors.toList());
    }
}
