package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.plugin.InstanceContext;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ServerFlag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The kafka-upstream plugin: its definition (name, priority 751 and access phase as the
 * original), its server flags, and what its instances share in one server process: the producer
 * pool and the certificate resolver.
 */
public final class KafkaUpstreamPlugin {
    static final ServerFlag ADMIN_URL = new ServerFlag("kong-admin-url", "url",
            "Kong Admin API for security.certificate_id (default http://127.0.0.1:8001)");
    static final ServerFlag ADMIN_TOKEN_FILE = new ServerFlag("kong-admin-token-file", "path",
            "file holding a Kong-Admin-Token (a file, so the token is not visible in ps)");
    static final ServerFlag CA_BUNDLE = new ServerFlag("kafka-ca-bundle", "path",
            "PEM file of CAs trusted for broker certificates (default: the JVM's trust store)");

    private final ProducerPool pool;
    private volatile KongCertificates certificates;
    private volatile String caBundle;
    private volatile boolean flagsRead;
    private final java.util.concurrent.locks.ReentrantLock flagsLock = new java.util.concurrent.locks.ReentrantLock();

    KafkaUpstreamPlugin(ProducerPool pool) {
        this.pool = pool;
    }

    /** A definition with its own producer pool: one per server process (or per test). */
    public static PluginDefinition definition() {
        return new KafkaUpstreamPlugin(new ProducerPool()).define();
    }

    PluginDefinition define() {
        return PluginDefinition.builder("kafka-upstream")
                .version("0.2.0")
                .priority(751)
                .schema(KafkaUpstreamSchema.SCHEMA)
                .flag(ADMIN_URL).flag(ADMIN_TOKEN_FILE).flag(CA_BUNDLE)
                .handler(KafkaUpstreamHandler.class, this::newInstance)
                .build();
    }

    private KafkaUpstreamHandler newInstance(InstanceContext context) {
        readFlags(context);
        KafkaUpstreamConfig config = KafkaUpstreamConfig.from(context.config());
        // A Kafka setting Java refuses fails StartInstance now, with Kafka's own message.
        new ProducerConfig(ProducerSettings.of(config, caBundle, null).toMap("validation"));
        return new KafkaUpstreamHandler(config, this);
    }

    /** Flags are the same for every instance of a server: read them (and their files) once. */
    private void readFlags(InstanceContext context) {
        flagsLock.lock();
        try {
            if (flagsRead) {
                return;
            }
            URI admin = URI.create(context.flag(ADMIN_URL.name()).orElse("http://127.0.0.1:8001"));
            Optional<String> token = context.flag(ADMIN_TOKEN_FILE.name()).map(p -> read(p).strip());
            certificates = new KongCertificates(admin, token.orElse(null));
            caBundle = context.flag(CA_BUNDLE.name()).map(KafkaUpstreamPlugin::read).orElse(null);
            flagsRead = true;
        } finally {
            flagsLock.unlock();
        }
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    ProducerPool pool() {
        return pool;
    }

    /** The sharing key of an instance's producer, resolving its client certificate if it has one. */
    ProducerPool.Key producerKey(KafkaUpstreamConfig config) throws KongCertificates.Unavailable {
        ClientCertificate cert = config.certificateId() == null ? null : certificates.get(config.certificateId());
        return new ProducerPool.Key(ProducerSettings.of(config, caBundle, cert), config.messagesInMemory());
    }
}
