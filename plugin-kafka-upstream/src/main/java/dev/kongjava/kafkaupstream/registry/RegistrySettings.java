package dev.kongjava.kafkaupstream.registry;

import dev.kongjava.pluginserver.schema.ConfigValues;
import java.time.Duration;
import java.util.List;

/**
 * The validated {@code schema_registry.confluent} config of one instance. {@link #toString()} masks
 * the password and the client secret, so the record is safe to log.
 *
 * @param url the registry's Confluent API, without a trailing slash (checked as a URI when it is used, so a
 *     URL Kong accepted never fails StartInstance)
 * @param ttl how long a fetched schema is used before it is fetched again; null for ever
 * @param sslVerify verify the registry's certificate
 * @param credentials how to log in
 * @param value the value's subject and version, or null
 * @param key the key's subject and version, or null
 */
record RegistrySettings(
        String url, Duration ttl, boolean sslVerify, Credentials credentials, Subject value, Subject key) {

    /** A subject and the version of it to use: a number or {@code latest}. */
    record Subject(String name, String version) {
        @Override
        public String toString() {
            return "subject " + name + " version " + version;
        }
    }

    /** How requests to the registry authenticate. */
    sealed interface Credentials {}

    /** No authentication. */
    record None() implements Credentials {}

    /** HTTP Basic. */
    record Basic(String username, String password) implements Credentials {
        @Override
        public String toString() {
            return "Basic[username=" + username + ", password=" + ConfigValues.MASK + "]";
        }
    }

    /** A bearer token from the client-credentials grant. */
    record OAuth2(
            String tokenEndpoint,
            String clientId,
            String clientSecret,
            List<String> scopes,
            List<String> audience,
            boolean secretInBasicHeader,
            Duration timeout,
            boolean sslVerify)
            implements Credentials {
        @Override
        public String toString() {
            return "OAuth2[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId + ", clientSecret="
                    + ConfigValues.MASK + ", scopes=" + scopes + ", audience=" + audience + ", secretInBasicHeader="
                    + secretInBasicHeader + ", timeout=" + timeout + ", sslVerify=" + sslVerify + "]";
        }
    }

    /** The settings of a config, or null when it names no value or key schema (then nothing is serialized). */
    static RegistrySettings from(RegistryFields fields) {
        RegistryFields.Confluent c = fields == null ? null : fields.confluent();
        if (c == null || (c.valueSchema() == null && c.keySchema() == null)) {
            return null;
        }
        Double ttl = c.ttl();
        return new RegistrySettings(
                trimSlash(c.url()),
                ttl == null || ttl == 0 ? null : Duration.ofMillis(Math.max(1, Math.round(ttl * 1000))),
                c.sslVerify(),
                credentials(c.authentication()),
                c.valueSchema() == null
                        ? null
                        : new Subject(
                                c.valueSchema().subjectName(), c.valueSchema().schemaVersion()),
                c.keySchema() == null
                        ? null
                        : new Subject(c.keySchema().subjectName(), c.keySchema().schemaVersion()));
    }

    /** The entity checks guarantee the record of the mode chosen. */
    private static Credentials credentials(RegistryFields.Authentication auth) {
        return switch (auth.mode()) {
            case BASIC -> new Basic(auth.basic().username(), auth.basic().password());
            case OAUTH2 ->
                new OAuth2(
                        auth.oauth2().tokenEndpoint(),
                        auth.oauth2().clientId(),
                        auth.oauth2().clientSecret(),
                        auth.oauth2().scopes(),
                        auth.oauth2().audience(),
                        auth.oauth2Client().authMethod() == RegistryFields.AuthMethod.CLIENT_SECRET_BASIC,
                        Duration.ofMillis(auth.oauth2Client().timeout()),
                        auth.oauth2Client().sslVerify());
            case NONE -> new None();
        };
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
