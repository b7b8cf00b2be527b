package dev.kongjava.testkit.registry;

import dev.kongjava.testkit.oauth.OAuthServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real schema registry with the Confluent Schema Registry REST API: Apicurio Registry 3, started
 * from its published Quarkus distribution as a process of its own, on free 127.0.0.1 ports, with
 * in-memory storage (nothing survives {@link #close()}).
 *
 * <pre>{@code
 * try (SchemaRegistryServer registry = SchemaRegistryServer.start()) {
 *   int id = registry.register("orders-value", SchemaType.AVRO, avsc);
 *   String url = registry.confluentUrl(); // what a Confluent client is configured with
 *   Object decoded = registry.decoder().avro(record.value());
 * }
 * }</pre>
 *
 * <p>The distribution is found in the directory named by the system property {@value #HOME_PROPERTY};
 * the parent pom's {@code unpack-schema-registry} execution unpacks it and failsafe sets the property.
 */
public final class SchemaRegistryServer implements AutoCloseable {
    /** The system property naming the unpacked Apicurio Registry distribution. */
    public static final String HOME_PROPERTY = "kongjava.schema-registry.home";

    private static final String CONFLUENT_PATH = "/apis/ccompat/v7";

    private final RegistryProcess process;
    private final String url;
    private final Login login;
    private final ConfluentApi api;
    private ConfluentDecoder decoder;

    private SchemaRegistryServer(RegistryProcess process, Login login) {
        this.process = process;
        this.url = "http://127.0.0.1:" + process.port();
        this.login = login;
        this.api = new ConfluentApi(url + CONFLUENT_PATH, login == null ? null : login.basicAuthorization());
    }

    /**
     * Starts a registry with the default settings (no login) and waits until it is ready.
     *
     * @return the running registry; close it to stop it
     */
    public static SchemaRegistryServer start() {
        return builder().start();
    }

    /**
     * Starts describing a registry; {@link Builder#start()} starts it.
     *
     * @return a builder with the distribution from {@value #HOME_PROPERTY} and no extra settings
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The registry's base URL.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String url() {
        return url;
    }

    /**
     * The base URL of the Confluent-compatible API, what a Confluent client (and the plugin's
     * {@code schema_registry.confluent.url}) is configured with.
     *
     * @return {@code http://127.0.0.1:<port>/apis/ccompat/v7}
     */
    public String confluentUrl() {
        return url + CONFLUENT_PATH;
    }

    /**
     * Registers a schema under a subject through the Confluent API ({@code POST
     * /subjects/<subject>/versions}); registering the same schema again returns the same id.
     *
     * @param subject the subject, e.g. {@code orders-value}
     * @param type the schema language
     * @param schema the schema text (Avro JSON or a JSON Schema document)
     * @return the schema id that Confluent wire-format records carry
     */
    public int register(String subject, SchemaType type, String schema) {
        return api.register(subject, type, schema);
    }

    /**
     * Reads one version of a subject through the Confluent API.
     *
     * @param subject the subject
     * @param version a version number or {@code latest}
     * @return the subject's version with its schema
     */
    public SubjectVersion version(String subject, String version) {
        return api.version(subject, version);
    }

    /**
     * Reads a schema by id through the Confluent API ({@code GET /schemas/ids/<id>}).
     *
     * @param id a schema id
     * @return the schema
     */
    public RegisteredSchema schemaById(int id) {
        return api.schemaById(id);
    }

    /**
     * The reader of Confluent wire-format records against this registry, created on first use and
     * closed with the registry.
     *
     * @return the decoder
     */
    public synchronized ConfluentDecoder decoder() {
        if (decoder == null) {
            decoder = new ConfluentDecoder(url + "/apis/registry/v2", login);
        }
        return decoder;
    }

    /**
     * Returns whether the registry process is running.
     *
     * @return true until it exits or is closed
     */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Everything the registry printed, including its access log (one line per request).
     *
     * @return the log so far
     */
    public String log() {
        return process.log();
    }

    /** Stops the registry (SIGTERM, then SIGKILL after 20 s) and deletes its files; its data is gone. */
    @Override
    public void close() {
        try {
            synchronized (this) {
                if (decoder != null) {
                    decoder.close();
                }
            }
        } finally {
            process.stop();
        }
    }

    /** Describes a registry to start: where the distribution is, its login, extra settings. */
    public static final class Builder {
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Path home;
        private Login login;

        private Builder() {
            String configured = System.getProperty(HOME_PROPERTY);
            home = configured == null ? null : Path.of(configured);
        }

        /**
         * Uses the Apicurio Registry distribution unpacked in {@code dir} (it holds {@code quarkus-run.jar}).
         *
         * @param dir the distribution directory
         * @return this builder
         */
        public Builder home(Path dir) {
            this.home = dir;
            return this;
        }

        /**
         * Sets a registry setting (a Quarkus or Apicurio property such as
         * {@code apicurio.ccompat.max-subjects}), applied over the harness's own.
         *
         * @param key the setting
         * @param value its value
         * @return this builder
         */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /**
         * Requires a login on every API call, as a secured registry does: an OAuth2 bearer token
         * issued by {@code oauth} (checked against its JWKS and issuer), or HTTP Basic with the id and
         * secret of one of {@code oauth}'s clients, which the registry exchanges for a token at
         * {@code oauth}'s token endpoint (Apicurio's basic client credentials). Anything else gets 401.
         * The harness's own calls ({@link #register}, the {@link #decoder()}) log in with Basic as
         * {@code clientId}.
         *
         * @param oauth the running authorization server
         * @param clientId a client of {@code oauth}, for the harness's own calls
         * @param clientSecret its secret
         * @return this builder
         */
        public Builder oauth(OAuthServer oauth, String clientId, String clientSecret) {
            properties.put("quarkus.oidc.tenant-enabled", "true");
            properties.put("quarkus.oidc.auth-server-url", oauth.issuer());
            properties.put("quarkus.oidc.discovery-enabled", "false");
            properties.put("quarkus.oidc.jwks-path", oauth.jwksUrl());
            properties.put("quarkus.oidc.token-path", oauth.tokenEndpointUrl());
            properties.put("quarkus.oidc.token.issuer", oauth.issuer());
            properties.put("quarkus.oidc.token.audience", oauth.audience());
            properties.put("apicurio.authn.basic-client-credentials.enabled", "true");
            login = new Login(clientId, clientSecret);
            return this;
        }

        /**
         * Starts the registry and waits until it is ready.
         *
         * @return the running registry
         */
        public SchemaRegistryServer start() {
            return new SchemaRegistryServer(RegistryProcess.start(home, properties), login);
        }
    }
}
