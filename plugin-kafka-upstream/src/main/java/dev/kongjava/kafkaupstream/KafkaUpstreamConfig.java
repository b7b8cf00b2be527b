package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.schema.ConfigValues;
import java.util.List;

/**
 * The validated config of one plugin instance as typed values. {@link #toString()} masks the
 * password, so the record is safe to log.
 */
record KafkaUpstreamConfig(
        List<String> bootstrapServers,
        String topic,
        int timeout,
        int keepalive,
        Sasl sasl,
        boolean ssl,
        String certificateId,
        Forward forward,
        int acks,
        int requestTimeout,
        int messagesPerRequest,
        int bytesPerRequest,
        int maxAttempts,
        int backoff,
        boolean async,
        int flushTimeout,
        int messagesInMemory) {

    /** SASL settings; null when authentication.strategy is not sasl. */
    record Sasl(String mechanism, String user, String password, boolean tokenAuth) {
        @Override
        public String toString() {
            return "Sasl[mechanism=" + mechanism + ", user=" + user + ", password=" + ConfigValues.MASK
                    + ", tokenAuth=" + tokenAuth + "]";
        }
    }

    static KafkaUpstreamConfig from(ConfigValues c) {
        List<String> servers = c.records("bootstrap_servers").stream()
                .map(s -> hostPort(s.string("host"), s.integer("port")))
                .toList();
        Sasl sasl = "sasl".equals(c.string("authentication.strategy"))
                ? new Sasl(c.string("authentication.mechanism"), c.string("authentication.user"),
                        c.string("authentication.password"), c.bool("authentication.tokenauth"))
                : null;
        return new KafkaUpstreamConfig(
                servers,
                c.string("topic"),
                c.integer("timeout"),
                c.integer("keepalive"),
                sasl,
                c.bool("security.ssl"),
                c.string("security.certificate_id"),
                new Forward(c.bool("forward_method"), c.bool("forward_uri"), c.bool("forward_headers"),
                        c.bool("forward_body")),
                c.integer("producer_request_acks"),
                c.integer("producer_request_timeout"),
                c.integer("producer_request_limits_messages_per_request"),
                c.integer("producer_request_limits_bytes_per_request"),
                c.integer("producer_request_retries_max_attempts"),
                c.integer("producer_request_retries_backoff_timeout"),
                c.bool("producer_async"),
                c.integer("producer_async_flush_timeout"),
                c.integer("producer_async_buffering_limits_messages_in_memory"));
    }

    /** IPv6 literals need brackets in bootstrap.servers. */
    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
