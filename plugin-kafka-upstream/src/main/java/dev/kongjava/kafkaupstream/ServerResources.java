package dev.kongjava.kafkaupstream;

import dev.kongjava.kafkaupstream.config.KafkaUpstreamConfig;
import dev.kongjava.kafkaupstream.config.OAuthBearer;
import dev.kongjava.kafkaupstream.config.ProducerSettings;
import dev.kongjava.kafkaupstream.metrics.MetricsServer;
import dev.kongjava.kafkaupstream.produce.Losses;
import dev.kongjava.kafkaupstream.produce.PoolKey;
import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.kafkaupstream.record.BuildBudget;
import dev.kongjava.kafkaupstream.tls.CertificateUnavailable;
import dev.kongjava.kafkaupstream.tls.KongCertificates;
import dev.kongjava.pluginserver.plugin.ServerFlag;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What kafka-upstream's instances share in one server process: the producer pool, the build
 * budget, where TLS material comes from, the metrics endpoint. The plugin's server start hook makes
 * it from the flags, before the socket exists (so a missing file stops the server at once); every
 * instance gets it through {@code InstanceContext.service}; the server closes it after the instances.
 */
final class ServerResources implements AutoCloseable {
    private final ProducerPool pool;
    private final BuildBudget builds = new BuildBudget(BuildBudget.DEFAULT_BYTES);
    private final TlsSources tls;
    /** Null without --metrics-port. */
    private final MetricsServer metricsServer;

    private ServerResources(ProducerPool pool, TlsSources tls, MetricsServer metricsServer) {
        this.pool = pool;
        this.tls = tls;
        this.metricsServer = metricsServer;
    }

    /** Reads the plugin's flags; {@code pool} is the plugin's (tests hand in one with their own producers). */
    static ServerResources start(Map<String, String> flags, ProducerPool pool) throws IOException {
        URI admin = URI.create(
                flags.getOrDefault(KafkaUpstreamPlugin.ADMIN_URL.name(), KafkaUpstreamPlugin.DEFAULT_ADMIN_URL));
        String token = flags.containsKey(KafkaUpstreamPlugin.ADMIN_TOKEN_FILE.name())
                ? read(flags, KafkaUpstreamPlugin.ADMIN_TOKEN_FILE).strip()
                : null;
        TlsSources tls = new TlsSources(
                new KongCertificates(admin, token),
                flags.containsKey(KafkaUpstreamPlugin.CA_BUNDLE.name())
                        ? read(flags, KafkaUpstreamPlugin.CA_BUNDLE)
                        : null);
        String maxProducers = flags.get(KafkaUpstreamPlugin.MAX_PRODUCERS.name());
        if (maxProducers != null) {
            pool.maxProducers(number(KafkaUpstreamPlugin.MAX_PRODUCERS, maxProducers, 1, 10_000));
        }
        String allowedUrls = flags.get(OAuthBearer.ALLOWED_URLS_FLAG.name());
        if (allowedUrls != null) {
            OAuthBearer.allow(allowedUrls);
        }
        String port = flags.get(KafkaUpstreamPlugin.METRICS_PORT.name());
        MetricsServer metrics = port == null
                ? null
                : MetricsServer.start(number(KafkaUpstreamPlugin.METRICS_PORT, port, 0, 65535), pool.metrics());
        return new ServerResources(pool, tls, metrics);
    }

    ProducerPool pool() {
        return pool;
    }

    BuildBudget builds() {
        return builds;
    }

    TlsSources tls() {
        return tls;
    }

    /** The sharing key of an instance's producer, with its TLS material from where the config says. */
    PoolKey producerKey(KafkaUpstreamConfig config) throws CertificateUnavailable {
        return new PoolKey(
                ProducerSettings.of(config, tls.trustedCertificates(config.tls()), tls.clientCertificate(config.tls())),
                config.producer().messagesInMemory(),
                config.health(),
                config.clusterName());
    }

    /**
     * Stops the metrics endpoint, then the producers. The server's shutdown timeout is over: what
     * producers still hold fails now, is counted and logged, and the server exits non-zero when
     * anything accepted was lost.
     */
    @Override
    public void close() {
        if (metricsServer != null) {
            metricsServer.close();
        }
        Losses lost = pool.closeAllNow(Duration.ofSeconds(2));
        if (lost.total() > 0) {
            throw new IllegalStateException(lost.toString());
        }
    }

    private static String read(Map<String, String> flags, ServerFlag flag) throws IOException {
        Path path = Path.of(flags.get(flag.name()));
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("--" + flag.name() + " " + path + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
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
        throw new IllegalArgumentException(
                "--" + flag.name() + " needs a number from " + min + " to " + max + ", got '" + value + "'");
    }
}
