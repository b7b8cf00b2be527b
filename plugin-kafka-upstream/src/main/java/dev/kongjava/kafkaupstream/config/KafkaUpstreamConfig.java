package dev.kongjava.kafkaupstream.config;

import dev.kongjava.pluginserver.schema.ConfigValues;
import java.util.List;

/**
 * The validated config of one plugin instance as typed values. {@link #toString()} masks the
 * password and the OAuth client secret, so the record is safe to log.
 */
public record KafkaUpstreamConfig(
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
            return "Sasl[mechanism=" + mechanism + ", user=" + user + ", password=" + ConfigValues.MASK + ", tokenAuth="
                    + tokenAuth + "]";
        }
    }

    /**
     * The security record: TLS on, verification, and the sources of the client certificate and of
     * the trusted CAs (at most one each; the server's TlsSources reads them). {@link #toString()} masks the key.
     */
    public record Tls(
            boolean enabled,
            boolean verify,
            String certificateId,
            String clientCertificatePem,
            String clientKeyPem,
            String clientCertificateFile,
            String clientKeyFile,
            List<String> caCertificateIds,
            String caCertificatesPem,
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
    public record Producer(
            int acks,
            int requestTimeout,
            int messagesPerRequest,
            int bytesPerRequest,
            int maxAttempts,
            int backoff,
            boolean async,
            int flushTimeout,
            int messagesInMemory,
            String compression) {}

    /** producer_async_health_*: fail fast with 503 while async deliveries keep failing. */
    public record Health(boolean gating, int failureThreshold, int probeIntervalMs, int recoveryThreshold) {}

    public static KafkaUpstreamConfig from(ConfigFields c) {
        List<String> servers = c.bootstrapServers().stream()
                .map(s -> hostPort(s.host(), s.port()))
                .toList();
        Authentication a = c.authentication();
        Sasl sasl = a.strategy() == Authentication.Strategy.SASL
                ? new Sasl(
                        a.mechanism() == null ? null : a.mechanism().kafkaName(), a.user(), a.password(), a.tokenauth())
                : null;
        Security s = c.security();
        return new KafkaUpstreamConfig(
                servers,
                c.topic(),
                c.timeout(),
                c.keepalive(),
                sasl,
                new Tls(
                        s.ssl(),
                        s.sslVerify(),
                        s.certificateId(),
                        s.clientCertificatePem(),
                        s.clientKeyPem(),
                        s.clientCertificateFile(),
                        s.clientKeyFile(),
                        s.caCertificates(),
                        s.caCertificatesPem(),
                        s.caCertificatesFile()),
                new Forward(c.forwardMethod(), c.forwardUri(), c.forwardHeaders(), c.forwardBody()),
                new Producer(
                        c.producerRequestAcks(),
                        c.producerRequestTimeout(),
                        c.producerRequestLimitsMessagesPerRequest(),
                        c.producerRequestLimitsBytesPerRequest(),
                        c.producerRequestRetriesMaxAttempts(),
                        c.producerRequestRetriesBackoffTimeout(),
                        c.producerAsync(),
                        c.producerAsyncFlushTimeout(),
                        c.producerAsyncBufferingLimitsMessagesInMemory(),
                        c.compressionType().kafkaName()),
                c.clusterName(),
                c.keyQueryArg(),
                c.topicsQueryArg(),
                c.allowedTopics(),
                c.messageFormat(),
                HeaderRules.from(c.headers()),
                c.errorHandling().returnErrorMessage(),
                new Health(
                        c.producerAsyncHealthGating(),
                        c.producerAsyncHealthFailureThreshold(),
                        c.producerAsyncHealthProbeInterval(),
                        c.producerAsyncHealthRecoveryThreshold()),
                OAuthBearer.from(a),
                RecordOptions.from(c));
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
