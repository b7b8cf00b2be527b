package dev.kongjava.kafkaupstream.config;

import dev.kongjava.kafkaupstream.tls.ClientCertificate;
import dev.kongjava.kafkaupstream.tls.TrustAllSslEngineFactory;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The kafka-clients settings of one instance's producer, derived from its config (the mapping the
 * README's settings table documents). Equal settings share one producer. {@link #toString()} masks
 * every secret.
 */
public final class ProducerSettings {
    /** Keys whose values are never shown. */
    private static final java.util.Set<String> SECRET_KEYS = java.util.Set.of(
            SaslConfigs.SASL_JAAS_CONFIG,
            SslConfigs.SSL_KEYSTORE_KEY_CONFIG,
            SslConfigs.SSL_KEY_PASSWORD_CONFIG,
            SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
            SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
            SaslConfigs.SASL_OAUTHBEARER_CLIENT_CREDENTIALS_CLIENT_SECRET);

    /**
     * What one producer may hold (Kafka's default is 32 MiB); a producer keeps what it once used, so
     * the server's worst case is this times {@code --max-producers} (see KafkaUpstreamPlugin).
     */
    public static final long BUFFER_MEMORY = 16L * 1024 * 1024;

    private final Map<String, Object> values;

    private ProducerSettings(Map<String, Object> values) {
        this.values = values;
    }

    /**
     * The producer properties of an instance's config.
     *
     * @param caBundlePem trusted CA certificates (PEM) for TLS, or null for the JVM's trust store
     * @param clientCert the client certificate for mTLS, or null
     */
    public static ProducerSettings of(KafkaUpstreamConfig c, String caBundlePem, ClientCertificate clientCert) {
        Map<String, Object> p = new TreeMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", c.bootstrapServers()));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        KafkaUpstreamConfig.Producer pc = c.producer();
        p.put(ProducerConfig.ACKS_CONFIG, pc.acks() == -1 ? "all" : String.valueOf(pc.acks()));
        // Java silently turns idempotence off for acks 0/1 unless told; say it explicitly either way.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, pc.acks() == -1);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, pc.requestTimeout());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) pc.requestTimeout());
        p.put(ProducerConfig.RETRIES_CONFIG, pc.maxAttempts() - 1);
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, (long) pc.backoff());
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, (long) Math.max(pc.backoff(), 1));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeout(pc));
        p.put(ProducerConfig.LINGER_MS_CONFIG, pc.async() ? pc.flushTimeout() : 0);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, pc.bytesPerRequest());
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, (int)
                Math.min((long) pc.messagesPerRequest() * 1024, pc.bytesPerRequest()));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, pc.compression());
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, BUFFER_MEMORY);
        p.put(CommonClientConfigs.CONNECTIONS_MAX_IDLE_MS_CONFIG, (long) c.keepalive());
        p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) c.timeout());
        p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, (long) c.timeout());
        security(p, c, caBundlePem, clientCert);
        return new ProducerSettings(p);
    }

    /**
     * The original tried {@code attempts} times, each bounded by the request timeout, with the
     * backoff between: the same total bound for Java, and at least what Java requires.
     */
    public static int deliveryTimeout(KafkaUpstreamConfig.Producer c) {
        long linger = c.async() ? c.flushTimeout() : 0;
        long total = (long) c.maxAttempts() * (c.requestTimeout() + c.backoff()) + linger;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(total, linger + c.requestTimeout()));
    }

    private static void security(
            Map<String, Object> p, KafkaUpstreamConfig c, String caBundlePem, ClientCertificate cert) {
        boolean sasl = c.sasl() != null;
        boolean ssl = c.tls().enabled();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, (sasl ? "SASL_" : "") + (ssl ? "SSL" : "PLAINTEXT"));
        if (sasl) {
            p.put(SaslConfigs.SASL_MECHANISM, c.sasl().mechanism());
            if (c.oauthBearer() != null) {
                OAuthBearer.configure(p, c.oauthBearer(), c.timeout(), c.producer());
            } else {
                p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(c.sasl()));
            }
        }
        if (ssl) {
            p.put(
                    SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG,
                    c.tls().verify() ? "https" : "");
            if (!c.tls().verify()) {
                // kafka-clients has no "trust anything": a small engine factory of ours does it
                p.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, TrustAllSslEngineFactory.class.getName());
            } else if (caBundlePem != null) {
                p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
                p.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, caBundlePem);
            }
            if (cert != null) {
                p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
                p.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, cert.chainPem());
                p.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, cert.pkcs8KeyPem());
            }
        }
    }

    static String jaas(KafkaUpstreamConfig.Sasl sasl) {
        String module = sasl.mechanism().equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + quote(sasl.user()) + "\" password=\"" + quote(sasl.password()) + "\""
                + (sasl.tokenAuth() ? " tokenauth=\"true\"" : "") + ";";
    }

    /**
     * JAAS values are double-quoted strings read by Kafka's tokenizer: a quote or backslash inside
     * must be escaped, and a line break would end the string (the rest then read as a broken
     * option), so CR and LF travel as the escapes the tokenizer turns back into them.
     */
    static String quote(String value) {
        return value.replace("\\", "\\\\")
                .replace("\"", "\\\"")
                .replace("\n", "\\n")
                .replace("\r", "\\r");
    }

    /** The settings for {@code new KafkaProducer(...)}, with a client id added. */
    public Map<String, Object> toMap(String clientId) {
        Map<String, Object> copy = new TreeMap<>(values);
        copy.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return copy;
    }

    public Object get(String key) {
        return values.get(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProducerSettings other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** Values come from a config (e.g. many long host names): a log line shows at most 200 characters of one. */
    public static String capped(String value) {
        return value.length() <= 200 ? value : value.substring(0, 200) + "... (" + value.length() + " characters)";
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>(values);
        shown.replaceAll((k, v) -> SECRET_KEYS.contains(k) ? "[hidden]" : capped(String.valueOf(v)));
        return shown.toString();
    }
}
