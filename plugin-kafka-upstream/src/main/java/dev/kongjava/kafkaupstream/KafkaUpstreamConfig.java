package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.schema.ConfigValues;
import java.util.List;

/**
 * The validated config of one plugin instance as typed values. {@link #toString()} masks the
 * password and the OAuth client secret, so the record is safe to log.
 */
record KafkaUpstreamConfig(
        List<String> bootstrapServers,
        String topic,
        int timeout,
        int keepalive,
        Sasl sasl,
        Tls tls,
        Forward forward,
        Producer producer,
        String clusterName,
        String keyQueryArg,
        String topicsQueryArg,
        List<String> allowedTopics,
        MessageFormat messageFormat,
        HeaderRules headerRules,
        boolean returnErrorMessage,
        Health health,
        OAuthBearer.Settings oauthBearer,
        RecordOptions options) {

    /** SASL settings; null when authentication.strategy is not sasl. */
    record Sasl(String mechanism, String user, String password, boolean tokenAuth) {
        @Override
        public String toString() {
            return "Sasl[mechanism=" + mechanism + ", user=" + user + ", password=" + ConfigValues.MASK
                    + ", tokenAuth=" + tokenAuth + "]";
        }
    }

    /**
     * The security record: TLS on, verification, and the sources of the client certificate and of
     * the trusted CAs (at most one each; see {@link TlsSources}). {@link #toString()} masks the key.
     */
    record Tls(boolean enabled, boolean verify, String certificateId, String clientCertificatePem, String clientKeyPem,
            String clientCertificateFile, String clientKeyFile, List<String> caCertificateIds, String caCertificatesPem,
            String caCertificatesFile) {
        @Override
        public String toString() {
            return "Tls[enabled=" + enabled + ", verify=" + verify + ", certificateId=" + certificateId
                    + ", clientCertificateFile=" + clientCertificateFile + ", clientKeyFile=" + clientKeyFile
                    + ", clientKeyPem=" + (clientKeyPem == null ? null : ConfigValues.MASK) + ", caCertificateIds="
                    + caCertificateIds + ", caCertificatesFile=" + caCertificatesFile + "]";
        }
    }

    /** The producer_* fields and compression. */
    record Producer(int acks, int requestTimeout, int messagesPerRequest, int bytesPerRequest, int maxAttempts,
            int backoff, boolean async, int flushTimeout, int messagesInMemory, String compression) {}

    /** producer_async_health_*: fail fast with 503 while async deliveries keep failing. */
    record Health(boolean gating, int failureThreshold, int probeIntervalMs, int recoveryThreshold) {}

    static KafkaUpstreamConfig from(ConfigValues c) {
        List<String> servers = c.records("bootstrap_servers").stream()
                .map(s -> hostPort(s.string("host"), s.integer("port")))
                .toList();
        Sasl sasl = "sasl".equals(c.string("authentication.strategy"))
                ? new Sasl(c.string("authentication.mechanism"), c.string("authentication.user"),
                        c.string("authentication.password"), c.bool("authentication.tokenauth"))
                : null;
        return new KafkaUpstreamConfig(servers, c.string("topic"), c.integer("timeout"), c.integer("keepalive"), sasl,
                new Tls(c.bool("security.ssl"), c.bool("security.ssl_verify"), c.string("security.certificate_id"),
                        c.string("security.client_certificate_pem"), c.string("security.client_key_pem"),
                        c.string("security.client_certificate_file"), c.string("security.client_key_file"),
                        c.strings("security.ca_certificates"), c.string("security.ca_certificates_pem"),
                        c.string("security.ca_certificates_file")),
                new Forward(c.bool("forward_method"), c.bool("forward_uri"), c.bool("forward_headers"),
                        c.bool("forward_body")),
                new Producer(c.integer("producer_request_acks"), c.integer("producer_request_timeout"),
                        c.integer("producer_request_limits_messages_per_request"),
                        c.integer("producer_request_limits_bytes_per_request"),
                        c.integer("producer_request_retries_max_attempts"),
                        c.integer("producer_request_retries_backoff_timeout"), c.bool("producer_async"),
                        c.integer("producer_async_flush_timeout"),
                        c.integer("producer_async_buffering_limits_messages_in_memory"), c.string("compression_type")),
                c.string("cluster_name"), c.string("key_query_arg"), c.string("topics_query_arg"),
                c.strings("allowed_topics"), MessageFormat.of(c.string("message_format")), HeaderRules.from(c),
                c.bool("error_handling.return_error_message"),
                new Health(c.bool("producer_async_health_gating"), c.integer("producer_async_health_failure_threshold"),
                        c.integer("producer_async_health_probe_interval"),
                        c.integer("producer_async_health_recovery_threshold")),
                OAuthBearer.from(c), RecordOptions.from(c));
    }

    /**
     * IPv6 literals need brackets in bootstrap.servers; a host the user bracketed (even in part) is
     * left alone, so every host the schema's pattern admits parses as exactly one Kafka address.
     */
    static String hostPort(String host, int port) {
        boolean bracketed = host.indexOf('[') >= 0 || host.indexOf(']') >= 0;
        return (host.indexOf(':') >= 0 && !bracketed ? "[" + host + "]" : host) + ":" + port;
    }
}
