package dev.kongjava.kafkaupstream.config;

import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.Doc;
import dev.kongjava.pluginserver.schema.Err;
import dev.kongjava.pluginserver.schema.LenMin;
import dev.kongjava.pluginserver.schema.MapsTo;
import dev.kongjava.pluginserver.schema.Matches;
import dev.kongjava.pluginserver.schema.Name;
import dev.kongjava.pluginserver.schema.NotOneOf;
import dev.kongjava.pluginserver.schema.Referenceable;
import dev.kongjava.pluginserver.schema.Required;
import dev.kongjava.pluginserver.schema.Secret;
import java.util.List;
import java.util.Map;

/** How the producer logs in to the brokers. {@link #toString()} masks the password. */
public record Authentication(
        @Doc("Authentication strategy; the only one is `sasl`.")
        Strategy strategy,

        @Doc("SASL mechanism.") @MapsTo("`sasl.mechanism`") Mechanism mechanism,

        @Default("false")
        @Doc("Delegation-token login: token id in `user`, token HMAC in `password`.")
        @MapsTo("`tokenauth=\"true\"` in `sasl.jaas.config`")
        boolean tokenauth,

        @Referenceable @Doc("SASL user name (or delegation token id).") @MapsTo("`sasl.jaas.config` username")
        String user,

        @Secret @Referenceable @Doc("SASL password (or delegation token HMAC).") @MapsTo("`sasl.jaas.config` password")
        String password,

        @Required OAuthBearerFields oauthbearer) {
    @Override
    public String toString() {
        return "Authentication[strategy=" + strategy + ", mechanism=" + mechanism + ", tokenauth=" + tokenauth
                + ", user=" + user + ", password=" + ConfigFields.masked(password) + ", oauthbearer=" + oauthbearer
                + "]";
    }

    /**
     * SASL OAUTHBEARER with the client_credentials grant, with Kong Enterprise 3.15's names (see
     * {@link OAuthBearer}). {@link #toString()} masks the secret.
     */
    record OAuthBearerFields(
            @Matches("^https?://[^%s]+$")
            @Err("must be an http:// or https:// URL")
            @Doc("OAuth 2.0 token endpoint (client_credentials grant); the server must allow it with "
                    + "--oauth-allowed-urls.")
            @MapsTo("`sasl.oauthbearer.token.endpoint.url`")
            String tokenEndpointUrl,

            @LenMin(1) @Doc("OAuth client id.") @MapsTo("`sasl.oauthbearer.client.credentials.client.id`")
            String clientId,

            @LenMin(1)
            @Secret
            @Referenceable
            @Doc("OAuth client secret.")
            @MapsTo("`sasl.oauthbearer.client.credentials.client.secret`")
            String clientSecret,

            @Default("[]")
            @Doc("Scopes to request; none by default.")
            @MapsTo("`sasl.oauthbearer.scope`, space-separated")
            List<
                            @Matches("^[!#-[%]^-~]+$")
                            @Err("must be an OAuth scope: printable ASCII without spaces, '\"' or '\\'") String>
                    scopes,

            @Default("{}")
            @Doc("SASL extensions sent with the token (names: ASCII letters; values: printable ASCII), "
                    + "e.g. Confluent Cloud's logicalCluster and identityPoolId.")
            @MapsTo("`extension_<name>` options in `sasl.jaas.config`")
            Map<
                            @Matches("^%a+$") @NotOneOf("auth")
                            @Err("must be a SASL extension name: ASCII letters, not 'auth'") String,
                            @Matches("^[ -~\t\r\n]+$")
                            @Err("must be a SASL extension value: printable ASCII, tabs and line breaks") String>
                    extensions,

            @Default("true")
            @Doc("Verify the token endpoint's certificate and host name (against the JVM's trust "
                    + "store); false trusts any certificate.")
            @MapsTo("`ssl.engine.factory.class` option in `sasl.jaas.config` when false")
            boolean tokenEndpointTlsVerify) {
        @Override
        public String toString() {
            return "OAuthBearerFields[tokenEndpointUrl=" + tokenEndpointUrl + ", clientId=" + clientId
                    + ", clientSecret=" + ConfigFields.masked(clientSecret) + ", scopes=" + scopes + ", extensions="
                    + extensions.keySet() + ", tokenEndpointTlsVerify=" + tokenEndpointTlsVerify + "]";
        }
    }

    enum Strategy {
        SASL
    }

    /** A SASL mechanism under Kafka's name. */
    enum Mechanism {
        @Name("PLAIN")
        PLAIN,
        @Name("SCRAM-SHA-256")
        SCRAM_SHA_256,
        @Name("SCRAM-SHA-512")
        SCRAM_SHA_512,
        @Name("OAUTHBEARER")
        OAUTHBEARER;

        /** The value of {@code sasl.mechanism}. */
        String kafkaName() {
            return name().replace('_', '-');
        }
    }
}
