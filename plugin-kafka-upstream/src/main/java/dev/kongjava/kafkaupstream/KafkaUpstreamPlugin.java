package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ServerFlag;
import dev.kongjava.pluginserver.schema.ConfigValues;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The kafka-upstream plugin: its definition (name, priority 751 and access phase as the
 * original), its server flags, and what its instances share in one server process: the producer
 * pool, the certificate resolver, the metrics.
 */
public final class KafkaUpstreamPlugin {
    static final String DEFAULT_ADMIN_URL = "http://127.0.0.1:8001";
    static final ServerFlag ADMIN_URL = new ServerFlag("kong-admin-url", "url",
            "Kong Admin API for security.certificate_id/ca_certificates (default http://127.0.0.1:8001)");
    static final ServerFlag ADMIN_TOKEN_FILE = new ServerFlag("kong-admin-token-file", "path",
            "file holding a Kong-Admin-Token (a file, so the token is not visible in ps)");
    static final ServerFlag CA_BUNDLE = new ServerFlag("kafka-ca-bundle", "path",
            "PEM file of CAs trusted for broker certificates (default: the JVM's trust store)");
    static final ServerFlag METRICS_PORT = new ServerFlag("metrics-port", "port",
            "serve Prometheus metrics on http://127.0.0.1:<port>/metrics (default: off)");
    static final ServerFlag MAX_PRODUCERS = new ServerFlag("max-producers", "n",
            "distinct Kafka producers at once, 16 MiB of buffer each (default " + ProducerPool.DEFAULT_MAX_PRODUCERS + ")");

    static final String NAME = "kafka-upstream";

    private final ProducerPool pool;
    private final BuildBudget builds = new BuildBudget(BuildBudget.DEFAULT_BYTES);
    /** Set when the server starts; see {@link #tls()}. */
    private volatile TlsSources tls;
    private volatile MetricsServer metricsServer;

    KafkaUpstreamPlugin(ProducerPool pool) {
        this.pool = pool;
    }

    /** A definition with its own producer pool: one per server process (or per test). */
    public static PluginDefinition<ConfigValues> definition() {
        return new KafkaUpstreamPlugin(new ProducerPool()).define();
    }

    PluginDefinition<ConfigValues> define() {
        return PluginDefinition.builder(NAME)
                .version("0.2.0")
                .priority(751)
                .schema(KafkaUpstreamSchema.SCHEMA)
                .flag(ADMIN_URL).flag(ADMIN_TOKEN_FILE).flag(CA_BUNDLE).flag(METRICS_PORT).flag(MAX_PRODUCERS)
                .flag(OAuthBearer.ALLOWED_URLS_FLAG)
                .onServerStart(this::start)
                .handler(KafkaUpstreamHandler.class, context -> newInstance(context.config()))
                .build();
    }

    /** Reads the flags once, before the socket exists, so a missing file stops the server at once. */
    private AutoCloseable start(Map<String, String> flags) throws IOException {
        URI admin = URI.create(flags.getOrDefault(ADMIN_URL.name(), DEFAULT_ADMIN_URL));
        String token = flags.containsKey(ADMIN_TOKEN_FILE.name()) ? read(flags, ADMIN_TOKEN_FILE).strip() : null;
        tls = new TlsSources(new KongCertificates(admin, token), flags.containsKey(CA_BUNDLE.name())
                ? read(flags, CA_BUNDLE) : null);
        if (flags.containsKey(MAX_PRODUCERS.name())) {
            pool.maxProducers(number(MAX_PRODUCERS, flags.get(MAX_PRODUCERS.name()), 1, 10_000));
        }
        if (flags.containsKey(OAuthBearer.ALLOWED_URLS_FLAG.name())) {
            OAuthBearer.allow(flags.get(OAuthBearer.ALLOWED_URLS_FLAG.name()));
        }
        if (flags.containsKey(METRICS_PORT.name())) {
            metricsServer = MetricsServer.start(number(METRICS_PORT, flags.get(METRICS_PORT.name()), 0, 65535),
                    pool.metrics());
        }
        return () -> {
            if (metricsServer != null) {
                metricsServer.close();
            }
            // The server's shutdown timeout is over: what producers still hold fails now, is
            // counted and logged, and the server exits non-zero when anything accepted was lost.
            Losses lost = pool.closeAllNow(Duration.ofSeconds(2));
            if (lost.total() > 0) {
                throw new IllegalStateException(lost.toString());
            }
        };
    }

    private static String read(Map<String, String> flags, ServerFlag flag) throws IOException {
        Path path = Path.of(flags.get(flag.name()));
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("--" + flag.name() + " " + path + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static int number(ServerFlag flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + flag.name() + " needs a number from " + min + " to " + max
                + ", got '" + value + "'");
    }

    private KafkaUpstreamHandler newInstance(ConfigValues values) {
        KafkaUpstreamConfig config = KafkaUpstreamConfig.from(values);
        OAuthBearer.checkAllowed(NAME, config.oauthBearer());
        // A Kafka setting Java refuses fails StartInstance now, with Kafka's own message.
        new ProducerConfig(ProducerSettings.of(config, tls().caBundle(), null).toMap("validation"));
        return KafkaUpstreamHandler.started(config, this, SchemaSerializer.of(values));
    }

    /** The TLS sources; without a server start (handlers made directly by tests) the flags' defaults. */
    private TlsSources tls() {
        TlsSources current = tls;
        if (current == null) {
            current = new TlsSources(new KongCertificates(URI.create(DEFAULT_ADMIN_URL), null), null);
            tls = current;
        }
        return current;
    }

    ProducerPool pool() {
        return pool;
    }

    BuildBudget builds() {
        return builds;
    }

    /** The port the metrics endpoint listens on, or -1 (tests pass port 0 and ask). */
    int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    /** The sharing key of an instance's producer, with its TLS material from where the config says. */
    PoolKey producerKey(KafkaUpstreamConfig config) throws CertificateUnavailable {
        TlsSources sources = tls();
        return new PoolKey(ProducerSettings.of(config, sources.trustedCertificates(config.tls()),
                sources.clientCertificate(config.tls())), config.producer().messagesInMemory(), config.health(),
                config.clusterName());
    }
}
