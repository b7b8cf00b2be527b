package dev.kongjava.kafkaupstream.config;

import dev.kongjava.kafkaupstream.registry.RegistryFields;
import dev.kongjava.pluginserver.schema.ConfigRule;
import dev.kongjava.pluginserver.schema.ConfigSchema;
import dev.kongjava.pluginserver.schema.EntityCheck;
import dev.kongjava.pluginserver.schema.Match;

/**
 * kafka-upstream's config schema: the fields of {@link ConfigFields} and the checks across them.
 * The Kong schema, validation and the README settings table all come from here.
 */
public final class KafkaUpstreamSchema {
    private KafkaUpstreamSchema() {}

    /** Kafka's rule for topic names ({@code org.apache.kafka.common.internals.Topic.validate}). */
    public static final String TOPIC_RULE =
            "must be a Kafka topic name: 1 to 249 ASCII letters, digits, '.', '_' or '-', " + "and not '.' or '..'";

    /** The Lua pattern of {@link #TOPIC_RULE}'s characters, checked by Kong and at StartInstance. */
    static final String TOPIC = "^[%w%._%-]+$";

    /** What Kafka's bootstrap.servers parser reads as one host ({@code Utils.getHost}); a comma would split it. */
    public static final String HOST_RULE =
            "must be a host name or an IP address: ASCII letters, digits, '.', '-', '_', ':' "
                    + "and '%', an IPv6 address optionally in brackets (a comma would split bootstrap.servers)";

    public static final String ABSOLUTE_PATH = "must be an absolute path";

    private static final EntityCheck ALLOWED_TOPICS_NEED_THE_ARG = EntityCheck.conditional(
            "allowed_topics", Match.required().and(Match.lenMin(1)), "topics_query_arg", Match.required());

    /** Sync requests already see every failure: gating is for async mode. */
    private static final EntityCheck GATING_NEEDS_ASYNC =
            EntityCheck.conditional("producer_async_health_gating", Match.eq(true), "producer_async", Match.eq(true));

    public static final ConfigSchema<ConfigFields> SCHEMA = ConfigSchema.builder(ConfigFields.class)
            // Kong's presence checks count false as set: this one only StartInstance can enforce
            .rule(ConfigRule.atLeastOneTrue("forward_method", "forward_uri", "forward_headers", "forward_body"))
            .check(saslNeeds("authentication.mechanism"))
            .check(credentialsNeed("authentication.user"))
            .check(credentialsNeed("authentication.password"))
            .check(needsTls("security.certificate_id"))
            // delegation tokens authenticate over SCRAM; with PLAIN the broker would refuse them
            .check(EntityCheck.conditional(
                    "authentication.tokenauth", Match.eq(true), "authentication.strategy", Match.eq("sasl")))
            .check(EntityCheck.conditional(
                    "authentication.tokenauth",
                    Match.eq(true),
                    "authentication.mechanism",
                    Match.required().and(Match.oneOf("SCRAM-SHA-256", "SCRAM-SHA-512"))))
            .check(EntityCheck.conditional(
                    "security.ca_certificates", Match.required().and(Match.lenMin(1)), "security.ssl", Match.eq(true)))
            // one client certificate, its key from the same kind of source, one set of trusted CAs
            .check(EntityCheck.mutuallyExclusive(
                    "security.certificate_id", "security.client_certificate_pem", "security.client_certificate_file"))
            .check(EntityCheck.mutuallyRequired("security.client_certificate_pem", "security.client_key_pem"))
            .check(EntityCheck.mutuallyRequired("security.client_certificate_file", "security.client_key_file"))
            .check(EntityCheck.mutuallyExclusive(
                    "security.ca_certificates", "security.ca_certificates_pem", "security.ca_certificates_file"))
            .check(needsTls("security.client_certificate_pem"))
            .check(needsTls("security.client_certificate_file"))
            .check(needsTls("security.ca_certificates_pem"))
            .check(needsTls("security.ca_certificates_file"))
            .check(ALLOWED_TOPICS_NEED_THE_ARG)
            .check(GATING_NEEDS_ASYNC)
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
        return EntityCheck.conditional(
                "authentication.mechanism",
                Match.required().and(Match.oneOf("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")),
                field,
                Match.required());
    }

    private static EntityCheck saslNeeds(String field) {
        return EntityCheck.conditional("authentication.strategy", Match.eq("sasl"), field, Match.required());
    }
}
