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
record RegistrySettings(String url, Duration ttl, boolean sslVerify, Credentials credentials, Subject value,
        Subject key) {

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
    record OAuth2(String tokenEndpoint, String clientId, String clientSecret, List<String> scopes, List<String> audience,
            boolean secretInBasicHeader, Duration timeout, boolean sslVerify) implements Credentials {
        @Override
        public String toString() {
            return "OAuth2[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId + ", clientSecret="
                    + ConfigValues.MASK + ", scopes=" + scopes + ", audience=" + audience + ", secretInBasicHeader="
                    + secretInBasicHeader + ", timeout=" + timeout + ", sslVerify=" + sslVerify + "]";
        }
    }

    /** The settings of a config, or null when it names no value or key schema (then nothing is serialized). */
    static RegistrySettings from(ConfigValues config) {
        ConfigValues c = config.record("schema_registry") == null ? null
                : config.record("schema_registry").record("confluent");
        if (c == null || (c.record("value_schema") == null && c.record("key_schema") == null)) {
            return null;
        }
        Double ttl = c.number("ttl");
        return new RegistrySettings(trimSlash(c.string("url")),
                ttl == null || ttl == 0 ? null : Duration.ofMillis(Math.max(1, Math.round(ttl * 1000))),
                c.bool("ssl_verify"),
                credentials(c.record("authentication")), subject(c.record("value_schema")),
                subject(c.record("key_schema")));
    }

    private static Credentials credentials(ConfigValues auth) {
        return switch (auth.string("mode")) {
            case "basic" -> new Basic(auth.string("basic.username"), auth.string("basic.password"));
            case "oauth2" -> new OAuth2(auth.string("oauth2.token_endpoint"),
                    auth.string("oauth2.client_id"), auth.string("oauth2.client_secret"),
                    auth.strings("oauth2.scopes"), auth.strings("oauth2.audience"),
                    "client_secret_basic".equals(auth.string("oauth2_client.auth_method")),
                    Duration.ofMillis(auth.integer("oauth2_client.timeout")), auth.bool("oauth2_client.ssl_verify"));
            default -> new None();
        };
    }

    private static Subject subject(ConfigValues s) {
        return s == null ? null : new Subject(s.string("subject_name"), s.string("schema_version"));
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
