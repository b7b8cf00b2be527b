package dev.kongjava.testkit.kafka;

import dev.kongjava.testkit.oauth.OAuthServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, broker and controller in one node) running inside the test JVM.
 *
 * <p>Every listener gets its own free 127.0.0.1 port, kept for the broker's life so that
 * {@link #stop()} and {@link #restart()} can simulate an outage on the same address:
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.builder().security(true).scramUser("alice", "secret").start()) {
 *   kafka.createTopic("orders", 3);
 *   Map<String, Object> settings = kafka.clientProperties(Listener.SASL_SSL);
 * }
 * }</pre>
 *
 * <p>The user {@value #ADMIN_USER} (password {@value #ADMIN_PASSWORD}) always exists for PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512 and is a super user. With security on, ACLs are enforced, but
 * resources without ACLs are open to everyone.
 */
public final class KafkaBroker implements AutoCloseable {
    /** The super user present on every broker, for the test's own clients. */
    public static final String ADMIN_USER = "admin";
    /** The password of {@link #ADMIN_USER}. */
    public static final String ADMIN_PASSWORD = "admin-secret";

    private static final int NODE_ID = 1;

    private final Map<Listener, PortReservation> ports;
    private final PortReservation controllerPort;
    private final KafkaNode node;
    private final NodeData data;
    private final TlsMaterial tls;
    private final TopicTool topics;
    private final String instanceId = Uuid.randomUuid().toString();
    private String clusterId;

    private KafkaBroker(Builder builder) {
        if (builder.oauth != null && !builder.security) {
            throw new IllegalStateException("oauthBearer(...) needs security(true): OAUTHBEARER runs on the "
                    + "SASL_PLAINTEXT and SASL_SSL listeners");
        }
        QuietLogging.apply();
        // TLS generation is the step most likely to fail, so it runs before any port is reserved.
        tls = builder.security ? TlsMaterial.get() : null;
        ports = PortReservation.forEach(
                builder.security ? EnumSet.allOf(Listener.class) : EnumSet.of(Listener.PLAINTEXT));
        controllerPort = PortReservation.anyFreePort();
        data = NodeData.of(builder.dataDir, "kafka-broker-");
        Properties config = NodeConfig.combinedNode(NodeConfig.voters(Map.of(NODE_ID, controllerPort)), 1);
        NodeConfig.addListeners(config, ports, controllerPort);
        if (builder.security) {
            SecurityConfig.apply(config, ports.keySet(), builder.plainUsers.values(), tls);
        }
        if (builder.oauth != null) {
            OAuthBearerConfig.apply(config, ports.keySet(), builder.oauth, instanceId);
        }
        config.putAll(builder.brokerProperties);
        node = new KafkaNode(NODE_ID, data.root(), config);
        topics = new TopicTool(bootstrap(Listener.PLAINTEXT));
    }

    /**
     * Starts describing a broker; {@link Builder#start()} starts it.
     *
     * @return a builder with security off and no users besides {@value #ADMIN_USER}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The bootstrap address of one listener.
     *
     * @param listener an enabled listener
     * @return {@code 127.0.0.1:<port>}
     */
    public String bootstrap(Listener listener) {
        return reservation(listener).hostAndPort();
    }

    /**
     * The port of one listener; it does not change across {@link #restart()}.
     *
     * @param listener an enabled listener
     * @return the TCP port on 127.0.0.1
     */
    public int port(Listener listener) {
        return reservation(listener).port();
    }

    /**
     * Returns the enabled listeners: PLAINTEXT, plus all others when security is on.
     *
     * @return an immutable set
     */
    public Set<Listener> listeners() {
        return Set.copyOf(ports.keySet());
    }

    /**
     * Returns the KRaft cluster id, the same after {@link #restart()}.
     *
     * @return the cluster id
     */
    public String clusterId() {
        return clusterId;
    }

    /**
     * Returns the directory holding the broker's logs and metadata.
     *
     * @return the data directory
     */
    public Path dataDir() {
        return data.root();
    }

    /**
     * Admin-level client settings for one listener: {@code bootstrap.servers},
     * {@code security.protocol}, the test CA truststore for TLS listeners, the {@code kong-client}
     * PEM certificate for MTLS, and a PLAIN login as {@value #ADMIN_USER} for SASL listeners.
     *
     * @param listener an enabled listener
     * @return a new mutable map; add serializers and other client settings to it
     */
    public Map<String, Object> clientProperties(Listener listener) {
        return ClientSettings.forListener(
                listener, bootstrap(listener), tls, new Credential(ADMIN_USER, ADMIN_PASSWORD));
    }

    /**
     * Creates a topic with replication factor 1 and waits until all its partitions have a leader.
     *
     * @param name the topic name
     * @param partitions the number of partitions
     */
    public void createTopic(String name, int partitions) {
        topics.createTopic(name, partitions, 1, Map.of());
    }

    /**
     * Reads a topic from the beginning of all partitions over PLAINTEXT.
     *
     * @param topic the topic to read
     * @param expectedCount how many records to wait for
     * @param timeout how long to wait for them
     * @return every record read, at least {@code expectedCount}, ordered per partition
     * @throws AssertionError if fewer arrive in time; the message says how many did
     */
    public List<ConsumerRecord<byte[], byte[]>> readRecords(String topic, int expectedCount, Duration timeout) {
        return topics.readRecords(topic, expectedCount, timeout);
    }

    /**
     * Counts a topic's records from its offsets, without reading them.
     *
     * @param topic the topic
     * @return the sum over partitions of end offset minus start offset
     */
    public long countRecords(String topic) {
        return topics.countRecords(topic);
    }

    /**
     * Creates a delegation token owned by a SCRAM user, over a SCRAM-SHA-256 login on the
     * SASL_PLAINTEXT listener (Kafka refuses token requests on unauthenticated or token-authenticated
     * connections), and waits until the broker accepts it.
     *
     * @param ownerUser a SCRAM user of this broker
     * @param ownerPassword that user's password
     * @return the token id and HMAC to log in with
     */
    public DelegationToken createDelegationToken(String ownerUser, String ownerPassword) {
        Credential owner = new Credential(ownerUser, ownerPassword);
        Map<String, Object> settings = new LinkedHashMap<>(clientProperties(Listener.SASL_PLAINTEXT));
        settings.putAll(ClientSettings.saslLogin("SCRAM-SHA-256", owner));
        return TokenIssuer.issue(settings);
    }

    /**
     * The OAUTHBEARER logins this broker accepted, with the principal and SASL extensions each client
     * sent, oldest first; empty without {@link Builder#oauthBearer}.
     *
     * @return an immutable copy
     */
    public List<OAuthLogin> oauthLogins() {
        return RecordingOAuthValidator.logins(instanceId);
    }

    /**
     * Shuts the broker down as in a planned outage: ports stay reserved (connections are refused),
     * data is kept.
     */
    public void stop() {
        topics.reset();
        node.stop();
    }

    /** Starts the broker again after {@link #stop()}, on the same ports, data and cluster id. */
    public void restart() {
        node.start();
    }

    /**
     * Returns whether the broker is running (started and not stopped).
     *
     * @return true between start or restart and stop or close
     */
    public boolean isRunning() {
        return node.running();
    }

    /** Shuts the broker down, releases its ports and deletes its data unless the caller chose the dir. */
    @Override
    public void close() {
        try {
            topics.close();
            node.stop();
        } finally {
            ports.values().forEach(PortReservation::close);
            controllerPort.close();
            data.close();
            RecordingOAuthValidator.forget(instanceId);
        }
    }

    private PortReservation reservation(Listener listener) {
        PortReservation reservation = ports.get(listener);
        if (reservation == null) {
            throw new IllegalArgumentException("Listener " + listener + " is not enabled on this broker; "
                    + "enable it with KafkaBroker.builder().security(true)");
        }
        return reservation;
    }

    private void start(List<String> formatArguments) {
        try {
            clusterId = node.formatIfNeeded(Uuid.randomUuid().toString(), formatArguments);
            node.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Describes a broker to start: users, listeners, data directory and extra settings. */
    public static final class Builder {
        private final Map<String, Credential> scramUsers = new LinkedHashMap<>();
        private final Map<String, Credential> plainUsers = new LinkedHashMap<>();
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private boolean security;
        private OAuthServer oauth;
        private Path dataDir;

        private Builder() {
            scramUser(ADMIN_USER, ADMIN_PASSWORD);
            plainUser(ADMIN_USER, ADMIN_PASSWORD);
        }

        /**
         * Adds a user for SCRAM-SHA-256 and SCRAM-SHA-512, created when the storage is formatted.
         *
         * @param name user name: letters, digits and {@code . _ @ + -}
         * @param password password without spaces, quotes, backslashes, commas, brackets or {@code =}
         * @return this builder
         */
        public Builder scramUser(String name, String password) {
            scramUsers.put(name, new Credential(name, password));
            return this;
        }

        /**
         * Adds a user for SASL/PLAIN (a {@code user_<name>} entry in the listeners' JAAS settings).
         *
         * @param name user name: letters, digits and {@code . _ @ + -}
         * @param password password without spaces, quotes, backslashes, commas, brackets or {@code =}
         * @return this builder
         */
        public Builder plainUser(String name, String password) {
            plainUsers.put(name, new Credential(name, password));
            return this;
        }

        /**
         * Opens the SASL_PLAINTEXT, SSL, MTLS and SASL_SSL listeners next to PLAINTEXT and enables
         * ACLs and delegation tokens. Generates the JVM's {@link TlsMaterial} on first use.
         *
         * @param enabled whether to open the secured listeners
         * @return this builder
         */
        public Builder security(boolean enabled) {
            this.security = enabled;
            return this;
        }

        /**
         * Adds SASL OAUTHBEARER to the SASL_PLAINTEXT and SASL_SSL listeners (needs
         * {@link #security(boolean) security(true)}): Kafka's {@code OAuthBearerValidatorCallbackHandler}
         * checks each token's signature against {@code oauth}'s JWKS, its issuer and its audience; the
         * principal is {@code User:<sub>}, the client id. The server must run while the broker starts.
         * {@link KafkaBroker#oauthLogins()} lists the accepted logins with their SASL extensions.
         *
         * <p>Kafka 4 reads only OAuth URLs listed in the system property
         * {@code org.apache.kafka.sasl.oauthbearer.allowed.urls}; the broker adds its JWKS URL to it
         * (JVM-wide). A client in this JVM must add its token endpoint URL itself.
         *
         * @param oauth the running authorization server whose tokens the broker accepts
         * @return this builder
         */
        public Builder oauthBearer(OAuthServer oauth) {
            this.oauth = oauth;
            return this;
        }

        /**
         * Keeps the broker's data in {@code dir} instead of a temporary directory; it is not deleted on
         * close, and a directory formatted by an earlier run is reused with its cluster id.
         *
         * @param dir the data directory, created if missing
         * @return this builder
         */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /**
         * Sets a broker setting, applied after (and over) the harness's own settings.
         *
         * @param key a Kafka broker setting such as {@code auto.create.topics.enable}
         * @param value its value
         * @return this builder
         */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Formats the storage, starts the broker and waits until it serves requests.
         *
         * @return the running broker; close it to shut it down
         */
        public KafkaBroker start() {
            KafkaBroker broker = new KafkaBroker(this);
            broker.start(Credential.scramFormatArguments(scramUsers.values()));
            return broker;
        }
    }
}
