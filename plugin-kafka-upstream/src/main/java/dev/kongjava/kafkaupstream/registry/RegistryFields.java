package dev.kongjava.kafkaupstream.registry;

import dev.kongjava.pluginserver.schema.EntityCheck;
import dev.kongjava.pluginserver.schema.Field;
import dev.kongjava.pluginserver.schema.Match;
import java.util.List;

/**
 * The {@code schema_registry} config record, with Kong Enterprise's field names (3.11 and 3.12) so a
 * config moves over unchanged, and the checks across its fields. Of Enterprise's OAuth2 settings
 * only those of the client-credentials grant are here.
 */
public final class RegistryFields {
    private RegistryFields() {}

    static final long INT_MAX = Integer.MAX_VALUE;
    private static final String MODE = "schema_registry.confluent.authentication.mode";

    private static final String URL_RULE = "must be an http:// or https:// URL without user info";

    /** The whole record, to add to the plugin's schema. */
    public static final Field.Builder FIELD = Field.record("schema_registry",
            Field.record("confluent",
                    url("url")
                            .doc("Base URL of the registry's Confluent API, e.g. `http://registry:8081`.")
                            .mapsTo("`GET <url>/subjects/<subject>/versions/<version>`"),
                    Field.number("ttl").between(0, 3600)
                            .doc("Seconds a fetched schema is used before it is fetched again, in the background; "
                                    + "absent or 0: for the life of the instance."),
                    Field.bool("ssl_verify").defaultValue(true)
                            .doc("Verify the registry's certificate and host name against the JVM's trust store."),
                    Field.record("authentication",
                            Field.string("mode").defaultValue("none").oneOf("none", "basic", "oauth2")
                                    .doc("How requests to the registry log in."),
                            Field.record("basic",
                                    Field.string("username").required().referenceable()
                                            .doc("User name for HTTP Basic authentication."),
                                    Field.string("password").required().referenceable().secret()
                                            .doc("Password for HTTP Basic authentication."))
                                    .mapsTo("`Authorization: Basic …`"),
                            Field.record("oauth2",
                                    url("token_endpoint")
                                            .doc("OAuth 2.0 token endpoint."),
                                    Field.string("grant_type").defaultValue("client_credentials")
                                            .oneOf("client_credentials")
                                            .doc("The grant; client credentials is the one supported."),
                                    Field.string("client_id").required().referenceable().doc("Client id."),
                                    Field.string("client_secret").required().referenceable().secret()
                                            .doc("Client secret."),
                                    Field.array("scopes", Field.string("scope")).defaultValue(List.of("openid"))
                                            .doc("Scopes to request, sent space-separated as `scope`."),
                                    Field.array("audience", Field.string("audience")).defaultValue(List.of())
                                            .doc("Audiences to request, one `audience` parameter each."))
                                    .mapsTo("`Authorization: Bearer <token>`, the token cached until it expires"),
                            Field.record("oauth2_client",
                                    Field.string("auth_method").defaultValue("client_secret_post")
                                            .oneOf("client_secret_post", "client_secret_basic")
                                            .doc("How the client id and secret reach the token endpoint: form "
                                                    + "parameters or HTTP Basic."),
                                    Field.integer("timeout").defaultValue(10000).between(1, INT_MAX)
                                            .doc("Milliseconds to wait for the token endpoint."),
                                    Field.bool("ssl_verify").defaultValue(true)
                                            .doc("Verify the token endpoint's certificate and host name."))
                                    .required())
                            .required(),
                    subject("value_schema", "orders-value",
                            "Schema of the record value: the message `message_format` builds, as JSON."),
                    subject("key_schema", "orders-key", "Schema of the record key, when there is one: its text as "
                            + "a JSON string."))
                    .doc("A registry with the Confluent Schema Registry API."))
            .doc("Serialize record values and keys with a registry's schemas, in the Confluent wire format.")
            .mapsTo("magic byte 0, 4-byte schema id, Avro binary or the JSON as received");

    /** Mode basic needs its credentials. */
    public static final EntityCheck BASIC_NEEDS_CREDENTIALS = EntityCheck.conditional(MODE, Match.eq("basic"),
            "schema_registry.confluent.authentication.basic", Match.required());

    /** Mode oauth2 needs its client. */
    public static final EntityCheck OAUTH2_NEEDS_A_CLIENT = EntityCheck.conditional(MODE, Match.eq("oauth2"),
            "schema_registry.confluent.authentication.oauth2", Match.required());

    /** No user info: a password there would show in every message that names the URL. */
    private static Field.Builder url(String name) {
        return Field.string(name).required().matchAny("^https?://[^/@%s]+$", "^https?://[^/@%s]+/[^%s]*$").err(URL_RULE);
    }

    private static Field.Builder subject(String name, String example, String doc) {
        return Field.record(name,
                Field.string("subject_name").required().doc("Subject name, e.g. `" + example + "`."),
                Field.string("schema_version").defaultValue("latest").matchAny("^%d+$", "^latest$")
                        .err("must be a version number or latest")
                        .doc("A version number, or `latest`: the newest when fetched."))
                .doc(doc);
    }
}
