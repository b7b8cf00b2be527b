package dev.kongjava.kafkaupstream.registry;

import dev.kongjava.pluginserver.schema.Between;
import dev.kongjava.pluginserver.schema.ConfigValues;
import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.Doc;
import dev.kongjava.pluginserver.schema.EntityCheck;
import dev.kongjava.pluginserver.schema.Err;
import dev.kongjava.pluginserver.schema.MapsTo;
import dev.kongjava.pluginserver.schema.Match;
import dev.kongjava.pluginserver.schema.MatchAny;
import dev.kongjava.pluginserver.schema.Referenceable;
import dev.kongjava.pluginserver.schema.Required;
import dev.kongjava.pluginserver.schema.Secret;
import java.util.List;

/**
 * The {@code schema_registry} config record, with Kong Enterprise's field names (3.11 and 3.12) so a
 * config moves over unchanged, and the checks across its fields. Of Enterprise's OAuth2 settings
 * only those of the client-credentials grant are here.
 *
 * @param confluent a registry with the Confluent API, or null
 */
public record RegistryFields(
        @Doc("A registry with the Confluent Schema Registry API.")
        Confluent confluent) {

    private static final String MODE = "schema_registry.confluent.authentication.mode";

    /** No user info: a password there would show in every message that names the URL. */
    private static final String URL_RULE = "must be an http:// or https:// URL without user info";

    private static final String URL_HOST = "^https?://[^/@%s]+$";
    private static final String URL_PATH = "^https?://[^/@%s]+/[^%s]*$";

    /** Mode basic needs its credentials. */
    public static final EntityCheck BASIC_NEEDS_CREDENTIALS = EntityCheck.conditional(
            MODE, Match.eq("basic"), "schema_registry.confluent.authentication.basic", Match.required());

    /** Mode oauth2 needs its client. */
    public static final EntityCheck OAUTH2_NEEDS_A_CLIENT = EntityCheck.conditional(
            MODE, Match.eq("oauth2"), "schema_registry.confluent.authentication.oauth2", Match.required());

    record Confluent(
            @Required
            @MatchAny({URL_HOST, URL_PATH})
            @Err(URL_RULE)
            @Doc("Base URL of the registry's Confluent API, e.g. `http://registry:8081`.")
            @MapsTo("`GET <url>/subjects/<subject>/versions/<version>`")
            String url,

            @Between(min = 0, max = 3600)
            @Doc("Seconds a fetched schema is used before it is fetched again, in the "
                    + "background; absent or 0: for the life of the instance.")
            Double ttl,

            @Default("true") @Doc("Verify the registry's certificate and host name against the JVM's trust store.")
            boolean sslVerify,

            @Required Authentication authentication,

            @Doc("Schema of the record value: the message `message_format` builds, as JSON.")
            ValueSchema valueSchema,

            @Doc("Schema of the record key, when there is one: its text as a JSON string.")
            KeySchema keySchema) {}

    record Authentication(
            @Default("none") @Doc("How requests to the registry log in.")
            Mode mode,

            @MapsTo("`Authorization: Basic …`") Basic basic,

            @MapsTo("`Authorization: Bearer <token>`, the token cached until it expires")
            OAuth2 oauth2,

            @Required OAuth2Client oauth2Client) {}

    enum Mode {
        NONE,
        BASIC,
        OAUTH2
    }

    /** HTTP Basic; {@link #toString()} masks the password. */
    record Basic(
            @Required @Referenceable @Doc("User name for HTTP Basic authentication.")
            String username,

            @Required @Referenceable @Secret @Doc("Password for HTTP Basic authentication.")
            String password) {
        @Override
        public String toString() {
            return "Basic[username=" + username + ", password=" + ConfigValues.MASK + "]";
        }
    }

    /** The client-credentials grant; {@link #toString()} masks the secret. */
    record OAuth2(
            @Required @MatchAny({URL_HOST, URL_PATH}) @Err(URL_RULE) @Doc("OAuth 2.0 token endpoint.")
            String tokenEndpoint,

            @Default("client_credentials") @Doc("The grant; client credentials is the one supported.")
            GrantType grantType,

            @Required @Referenceable @Doc("Client id.") String clientId,

            @Required @Referenceable @Secret @Doc("Client secret.")
            String clientSecret,

            @Default("[\"openid\"]") @Doc("Scopes to request, sent space-separated as `scope`.")
            List<String> scopes,

            @Default("[]") @Doc("Audiences to request, one `audience` parameter each.")
            List<String> audience) {
        @Override
        public String toString() {
            return "OAuth2[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId + ", clientSecret="
                    + ConfigValues.MASK + ", scopes=" + scopes + ", audience=" + audience + "]";
        }
    }

    enum GrantType {
        CLIENT_CREDENTIALS
    }

    record OAuth2Client(
            @Default("client_secret_post")
            @Doc("How the client id and secret reach the token endpoint: form " + "parameters or HTTP Basic.")
            AuthMethod authMethod,

            @Default("10000")
            @Between(min = 1, max = Integer.MAX_VALUE)
            @Doc("Milliseconds to wait for the token endpoint.")
            int timeout,

            @Default("true") @Doc("Verify the token endpoint's certificate and host name.")
            boolean sslVerify) {}

    enum AuthMethod {
        CLIENT_SECRET_POST,
        CLIENT_SECRET_BASIC
    }

    /** A subject of the record value and the version of it to use. */
    record ValueSchema(
            @Required @Doc("Subject name, e.g. `orders-value`.")
            String subjectName,

            @Default("latest")
            @MatchAny({"^%d+$", "^latest$"})
            @Err("must be a version number or latest")
            @Doc("A version number, or `latest`: the newest when fetched.")
            String schemaVersion) {}

    /** A subject of the record key and the version of it to use. */
    record KeySchema(
            @Required @Doc("Subject name, e.g. `orders-key`.")
            String subjectName,

            @Default("latest")
            @MatchAny({"^%d+$", "^latest$"})
            @Err("must be a version number or latest")
            @Doc("A version number, or `latest`: the newest when fetched.")
            String schemaVersion) {}
}
