package dev.kongjava.kafkaupstream;

import dev.kongjava.kafkaupstream.registry.RegistryFields;
import dev.kongjava.pluginserver.schema.ConfigRule;
import dev.kongjava.pluginserver.schema.ConfigSchema;
import dev.kongjava.pluginserver.schema.ConfigValues;
import dev.kongjava.pluginserver.schema.EntityCheck;
import dev.kongjava.pluginserver.schema.Field;
import dev.kongjava.pluginserver.schema.Match;

/**
 * Every config field of kafka-upstream, declared once: the seed's fields with the seed's names,
 * types and defaults, then what users of the original asked for (names from later Kong versions
 * where they exist). The Kong schema, validation and the README settings table all come from here.
 */
final class KafkaUpstreamSchema {
    private KafkaUpstreamSchema() {}

    static final long INT_MAX = Integer.MAX_VALUE;

    /** Kafka's rule for topic names ({@code org.apache.kafka.common.internals.Topic.validate}). */
    static final String TOPIC_RULE = "must be a Kafka topic name: 1 to 249 ASCII letters, digits, '.', '_' or '-', "
            + "and not '.' or '..'";

    /** What Kafka's bootstrap.servers parser reads as one host ({@code Utils.getHost}); a comma would split it. */
    static final String HOST_RULE = "must be a host name or an IP address: ASCII letters, digits, '.', '-', '_', ':' "
            + "and '%', an IPv6 address optionally in brackets (a comma would split bootstrap.servers)";

    static final String ABSOLUTE_PATH = "must be an absolute path";

    /** A field holding a topic name Kafka accepts, checked by Kong (Lua pattern) and at StartInstance. */
    static Field.Builder topicName(String name) {
        return Field.string(name).lenMin(1).lenMax(249).notOneOf(".", "..").match("^[%w%._%-]+$").err(TOPIC_RULE);
    }

    static final ConfigSchema<ConfigValues> SCHEMA = ConfigSchema.builder()
            .add(Field.set("bootstrap_servers", Field.record("server",
                            Field.string("host").required().lenMin(1).match("^%[?[%w%.%-_:%%]+%]?$").err(HOST_RULE)
                                    .doc("Broker host name or address."),
                            Field.integer("port").required().between(0, 65535).doc("Broker port.")))
                    .required().lenMin(1)
                    .doc("Brokers to bootstrap from, as {host, port} records.")
                    .mapsTo("`bootstrap.servers`"))
            .add(topicName("topic").required()
                    .doc("Topic every message is written to.")
                    .mapsTo("`ProducerRecord` topic"))
            .add(Field.integer("timeout").defaultValue(10000).between(1, INT_MAX)
                    .doc("Socket timeout in milliseconds: connecting to a broker.")
                    .mapsTo("`socket.connection.setup.timeout.ms` and `.max.ms`"))
            .add(Field.integer("keepalive").defaultValue(60000).between(1, INT_MAX)
                    .doc("Idle broker connections are closed after this many milliseconds.")
                    .mapsTo("`connections.max.idle.ms`"))
            .add(Field.record("authentication",
                            Field.string("strategy").oneOf("sasl")
                                    .doc("Authentication strategy; the only one is `sasl`."),
                            Field.string("mechanism").oneOf("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER")
                                    .doc("SASL mechanism.").mapsTo("`sasl.mechanism`"),
                            Field.bool("tokenauth").defaultValue(false)
                                    .doc("Delegation-token login: token id in `user`, token HMAC in `password`.")
                                    .mapsTo("`tokenauth=\"true\"` in `sasl.jaas.config`"),
                            Field.string("user").referenceable().doc("SASL user name (or delegation token id).")
                                    .mapsTo("`sasl.jaas.config` username"),
                            Field.string("password").secret().referenceable()
                                    .doc("SASL password (or delegation token HMAC).")
                                    .mapsTo("`sasl.jaas.config` password"),
                            OAuthBearer.field())
                    .required())
            .add(Field.record("security",
                            Field.bool("ssl").defaultValue(false)
                                    .doc("TLS to the brokers; the broker certificate is verified.")
                                    .mapsTo("`security.protocol` SSL / SASL_SSL"),
                            Field.string("certificate_id").uuid()
                                    .doc("Kong Certificate entity used as the client certificate (mTLS); needs `ssl`.")
                                    .mapsTo("`ssl.keystore.type=PEM`, `ssl.keystore.certificate.chain`, `ssl.keystore.key`"),
                            Field.bool("ssl_verify").defaultValue(true)
                                    .doc("Verify the broker certificate and host name; false trusts any certificate.")
                                    .mapsTo("`ssl.endpoint.identification.algorithm=https` and a verifying trust manager"),
                            Field.array("ca_certificates", Field.string("id").uuid()).defaultValue(java.util.List.of())
                                    .doc("Kong CA Certificate entities trusted for the brokers, instead of the server's CA bundle.")
                                    .mapsTo("`ssl.truststore.type=PEM`, `ssl.truststore.certificates`"),
                            // no Admin API on hybrid and DB-less data planes: PEM in the config (vault references
                            // resolved by Kong) or files on the data plane
                            Field.string("client_certificate_pem").referenceable()
                                    .doc("Client certificate for mTLS as PEM, the leaf first; needs `ssl` and `client_key_pem`.")
                                    .mapsTo("`ssl.keystore.certificate.chain`"),
                            Field.string("client_key_pem").referenceable().secret()
                                    .doc("Private key of client_certificate_pem as PEM: PKCS#8, RSA or EC, unencrypted.")
                                    .mapsTo("`ssl.keystore.key` (as PKCS#8)"),
                            Field.string("client_certificate_file").match("^/").err(ABSOLUTE_PATH)
                                    .doc("PEM file of the client certificate on the data plane; needs `ssl` and `client_key_file`.")
                                    .mapsTo("`ssl.keystore.certificate.chain`"),
                            Field.string("client_key_file").match("^/").err(ABSOLUTE_PATH)
                                    .doc("PEM file of client_certificate_file's private key on the data plane.")
                                    .mapsTo("`ssl.keystore.key` (as PKCS#8)"),
                            Field.string("ca_certificates_pem").referenceable()
                                    .doc("CA certificates (PEM) trusted for the brokers, instead of the server's CA bundle.")
                                    .mapsTo("`ssl.truststore.certificates`"),
                            Field.string("ca_certificates_file").match("^/").err(ABSOLUTE_PATH)
                                    .doc("PEM file of CA certificates on the data plane, trusted instead of the server's CA bundle.")
                                    .mapsTo("`ssl.truststore.certificates`"))
                    .required())
            .add(Field.bool("forward_method").defaultValue(false).doc("Include the request method as `method`."))
            .add(Field.bool("forward_uri").defaultValue(false)
                    .doc("Include the path with query as `uri` and the parsed query as `uri_args`."))
            .add(Field.bool("forward_headers").defaultValue(false).doc("Include the request headers as `headers`."))
            .add(Field.bool("forward_body").defaultValue(true)
                    .doc("Include the body as `body`, the parsed body as `body_args`, and `body_base64`."))
            .add(Field.integer("producer_request_acks").defaultValue(1).oneOf(-1, 0, 1)
                    .doc("Acknowledgements the leader must gather: 0 none, 1 the leader, -1 all in-sync replicas.")
                    .mapsTo("`acks`; -1 also enables `enable.idempotence`"))
            .add(Field.integer("producer_request_timeout").defaultValue(2000).between(1, INT_MAX)
                    .doc("Milliseconds to wait for a Produce response (and for topic metadata).")
                    .mapsTo("`request.timeout.ms`, `max.block.ms`"))
            .add(Field.integer("producer_request_limits_messages_per_request").defaultValue(200).between(1, INT_MAX)
                    .doc("Messages per Produce request; Java batches by bytes, so this sizes the batch.")
                    .mapsTo("`batch.size` = this × 1 KiB, at most the bytes limit"))
            .add(Field.integer("producer_request_limits_bytes_per_request").defaultValue(1048576).between(1024, INT_MAX)
                    .doc("Largest Produce request in bytes, and so the largest message.")
                    .mapsTo("`max.request.size`"))
            .add(Field.integer("producer_request_retries_max_attempts").defaultValue(10).between(1, INT_MAX)
                    .doc("Attempts per message, the first one included.")
                    .mapsTo("`retries` = this − 1; `delivery.timeout.ms` = attempts × (timeout + backoff)"))
            .add(Field.integer("producer_request_retries_backoff_timeout").defaultValue(100).between(0, INT_MAX)
                    .doc("Milliseconds between attempts (fixed, as in the original).")
                    .mapsTo("`retry.backoff.ms` and `retry.backoff.max.ms`"))
            .add(Field.bool("producer_async").defaultValue(true)
                    .doc("Answer once the producer accepted the message (true) or once the broker acknowledged it (false)."))
            .add(Field.integer("producer_async_flush_timeout").defaultValue(1000).between(0, INT_MAX)
                    .doc("Async mode: longest time a message waits in the buffer before it is sent.")
                    .mapsTo("`linger.ms` (0 in sync mode)"))
            .add(Field.integer("producer_async_buffering_limits_messages_in_memory").defaultValue(50000).between(1, INT_MAX)
                    .doc("Async mode: messages accepted but not yet acknowledged, per producer; beyond it requests get 503.")
                    .mapsTo("in-flight limit in front of `buffer.memory`"))
            .addAll(ExtraFields.FIELDS)
            .addAll(RecordOptions.FIELDS)
            .add(RegistryFields.FIELD)
            // Kong's presence checks count false as set: this one only StartInstance can enforce
            .rule(ConfigRule.atLeastOneTrue("forward_method", "forward_uri", "forward_headers", "forward_body"))
            .check(saslNeeds("authentication.mechanism"))
            .check(credentialsNeed("authentication.user"))
            .check(credentialsNeed("authentication.password"))
            .check(needsTls("security.certificate_id"))
            // delegation tokens authenticate over SCRAM; with PLAIN the broker would refuse them
            .check(EntityCheck.conditional("authentication.tokenauth", Match.eq(true),
                    "authentication.strategy", Match.eq("sasl")))
            .check(EntityCheck.conditional("authentication.tokenauth", Match.eq(true),
                    "authentication.mechanism", Match.required().and(Match.oneOf("SCRAM-SHA-256", "SCRAM-SHA-512"))))
            .check(EntityCheck.conditional("security.ca_certificates", Match.required().and(Match.lenMin(1)),
                    "security.ssl", Match.eq(true)))
            // one client certificate, its key from the same kind of source, one set of trusted CAs
            .check(EntityCheck.mutuallyExclusive("security.certificate_id", "security.client_certificate_pem",
                    "security.client_certificate_file"))
            .check(EntityCheck.mutuallyRequired("security.client_certificate_pem", "security.client_key_pem"))
            .check(EntityCheck.mutuallyRequired("security.client_certificate_file", "security.client_key_file"))
            .check(EntityCheck.mutuallyExclusive("security.ca_certificates", "security.ca_certificates_pem",
                    "security.ca_certificates_file"))
            .check(needsTls("security.client_certificate_pem"))
            .check(needsTls("security.client_certificate_file"))
            .check(needsTls("security.ca_certificates_pem"))
            .check(needsTls("security.ca_certificates_file"))
            .check(ExtraFields.ALLOWED_TOPICS_NEED_THE_ARG)
            .check(ExtraFields.GATING_NEEDS_ASYNC)
            .check(OAuthBearer.needs("token_endpoint_url"))
            .check(OAuthBearer.needs("client_id"))
            .check(OAuthBearer.needs("client_secret"))
            .check(RecordOptions.ONE_KEY_SOURCE)
            .check(RecordOptions.ONE_PARTITION_SOURCE)
            .check(RecordOptions.METADATA_NEEDS_SYNC)
            .check(RecordOptions.BATCH_NEEDS_THE_BODY)
            .check(RegistryFields.BASIC_NEEDS_CREDENTIALS)
            .check(RegistryFields.OAUTH2_NEEDS_A_CLIENT)
            .build();

    private static EntityCheck needsTls(String field) {
        return EntityCheck.conditional(field, Match.required(), "security.ssl", Match.eq(true));
    }

    /** User and password log in with PLAIN and SCRAM; OAUTHBEARER has its own credentials. */
    private static EntityCheck credentialsNeed(String field) {
        return EntityCheck.conditional("authentication.mechanism",
                Match.required().and(Match.oneOf("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")), field, Match.required());
    }

    private static EntityCheck saslNeeds(String field) {
        return EntityCheck.conditional("authentication.strategy", Match.eq("sasl"), field, Match.required());
    }
}
