package dev.kongjava.kafkaupstream;

import dev.kongjava.kafkaupstream.config.ConfigFields;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema;
import dev.kongjava.kafkaupstream.config.OAuthBearer;
import dev.kongjava.kafkaupstream.config.ProducerSettings;
import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.pluginserver.plugin.InstanceContext;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ServerFlag;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The kafka-upstream plugin: its definition (name, priority 751 and access phase as the
 * original) and its server flags. What its instances share in one server process is made by the
 * server start hook ({@link ServerResources}) and reaches each instance through
 * {@link InstanceContext#service}.
 */
public final class KafkaUpstreamPlugin {
    static final String DEFAULT_ADMIN_URL = "http://127.0.0.1:8001";
    static final ServerFlag ADMIN_URL = new ServerFlag(
            "kong-admin-url",
            "url",
            "Kong Admin API for security.certificate_id/ca_certificates (default http://127.0.0.1:8001)");
    static final ServerFlag ADMIN_TOKEN_FILE = new ServerFlag(
            "kong-admin-token-file",
            "path",
            "file holding a Kong-Admin-Token (a file, so the token is not visible in ps)");
    static final ServerFlag CA_BUNDLE = new ServerFlag(
            "kafka-ca-bundle",
            "path",
            "PEM file of CAs trusted for broker certificates (default: the JVM's trust store)");
    static final ServerFlag METRICS_PORT = new ServerFlag(
            "metrics-port", "port", "serve Prometheus metrics on http://127.0.0.1:<port>/metrics (default: off)");
    static final ServerFlag MAX_PRODUCERS = new ServerFlag(
            "max-producers",
            "n",
            "distinct Kafka producers at once, 16 MiB of buffer each (default " + ProducerPool.DEFAULT_MAX_PRODUCERS
                    + ")");

    static final String NAME = "kafka-upstream";

    private KafkaUpstreamPlugin() {}

    /** A definition with its own producer pool: one per server process. */
    public static PluginDefinition<ConfigFields> definition() {
        return define(new ProducerPool());
    }

    /** A definition whose server start hands {@code pool} to its instances (tests give their own). */
    static PluginDefinition<ConfigFields> define(ProducerPool pool) {
        return PluginDefinition.builder(NAME)
                .version("0.2.0")
                .priority(751)
                .schema(KafkaUpstreamSchema.SCHEMA)
                .flag(ADMIN_URL)
                .flag(ADMIN_TOKEN_FILE)
                .flag(CA_BUNDLE)
                .flag(METRICS_PORT)
                .flag(MAX_PRODUCERS)
                .flag(OAuthBearer.ALLOWED_URLS_FLAG)
                .onServerStart(flags -> ServerResources.start(flags, pool))
                .handler(KafkaUpstreamHandler.class, KafkaUpstreamPlugin::newInstance)
                .build();
    }

    private static KafkaUpstreamHandler newInstance(InstanceContext<ConfigFields> context) {
        ServerResources resources = context.service(ServerResources.class);
        KafkaUpstreamConfig config = KafkaUpstreamConfig.from(context.config());
        OAuthBearer.checkAllowed(NAME, config.oauthBearer());
        // A Kafka setting Java refuses fails StartInstance now, with Kafka's own message.
        new ProducerConfig(
                ProducerSettings.of(config, resources.tls().caBundle(), null).toMap("validation"));
        return KafkaUpstreamHandler.started(
                config, resources, SchemaSerializer.of(context.config().schemaRegistry()));
    }
}
