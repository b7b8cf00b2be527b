package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.schema.EntityCheck;
import dev.kongjava.pluginserver.schema.Field;
import dev.kongjava.pluginserver.schema.Match;
import java.util.List;

/**
 * The fields beyond the seed, which the original's users asked for; names from later Kong
 * versions where they exist there (spec A1, B1.2).
 */
final class ExtraFields {
    private ExtraFields() {}

    static final long INT_MAX = Integer.MAX_VALUE;

    static final List<Field.Builder> FIELDS = List.of(
            Field.bool("keepalive_enabled").defaultValue(false)
                    .doc("TCP keepalive on broker connections; kafka-clients always enables it, so true and false behave alike.")
                    .mapsTo("always on in kafka-clients"),
            Field.string("cluster_name").lenMin(1)
                    .doc("Instances with the same cluster_name share one producer (the first one's settings).")
                    .mapsTo("producer sharing key; `client.id` suffix"),
            Field.string("key_query_arg").lenMin(1)
                    .doc("Query argument whose first value is the record key; absent means a null key.")
                    .mapsTo("`ProducerRecord` key; partitioned by Kafka's murmur2"),
            Field.string("topics_query_arg").lenMin(1)
                    .doc("Query argument with a comma-separated list of topics to send the message to.")
                    .mapsTo("one `ProducerRecord` per topic"),
            Field.array("allowed_topics", KafkaUpstreamSchema.topicName("topic")).defaultValue(List.of())
                    .doc("Topics a request may choose with topics_query_arg, besides `topic`."),
            Field.string("message_format").defaultValue("envelope").oneOf("envelope", "body")
                    .doc("`envelope`: the JSON of the original; `body`: the raw request body, its content type as a record header."),
            Field.string("compression_type").defaultValue("none").oneOf("none", "gzip", "snappy", "lz4", "zstd")
                    .doc("Compression of record batches.").mapsTo("`compression.type`"),
            Field.record("headers",
                    Field.bool("forward_http_headers_as_record_headers").defaultValue(true)
                            .doc("Copy selected HTTP request headers into Kafka record headers."),
                    Field.bool("forward_all_by_default").defaultValue(false)
                            .doc("false: only include_headers are copied; true: all but exclude_headers."),
                    Field.array("include_headers", Field.string("name").lenMin(1)).defaultValue(List.of())
                            .doc("Header names copied in allowlist mode (case-insensitive)."),
                    Field.array("exclude_headers", Field.string("name").lenMin(1)).defaultValue(List.of())
                            .doc("Header names never copied in blocklist mode (case-insensitive)."),
                    Field.map("name_mappings", Field.string("http"), Field.string("record").lenMin(1)).defaultValue(java.util.Map.of())
                            .doc("HTTP header name to record header name; unmapped names keep their lower-case name."),
                    Field.string("repeated_headers_behavior").defaultValue("retain_duplicates")
                            .oneOf("retain_duplicates", "take_first", "concatenate_by_comma")
                            .doc("A repeated HTTP header: one record header per value, the first only, or values joined by ', '."))
                    .required().mapsTo("`ProducerRecord.headers()`"),
            Field.record("error_handling",
                    Field.bool("return_error_message").defaultValue(false)
                            .doc("Add Kafka's own error text to 502/503/413 bodies (for debugging; it can name brokers and topics)."))
                    .required(),
            Field.bool("producer_async_health_gating").defaultValue(false)
                    .doc("Async mode: while deliveries keep failing, answer 503 instead of accepting messages that will be dropped."),
            Field.integer("producer_async_health_failure_threshold").defaultValue(3).between(1, 100)
                    .doc("Consecutive failed deliveries that close the gate."),
            Field.integer("producer_async_health_probe_interval").defaultValue(5000).between(100, 600000)
                    .doc("While gated, one request per this many milliseconds is sent synchronously as a probe."),
            Field.integer("producer_async_health_recovery_threshold").defaultValue(1).between(1, 100)
                    .doc("Consecutive successful probes that open the gate again."));

    static final EntityCheck ALLOWED_TOPICS_NEED_THE_ARG = EntityCheck.conditional(
            "allowed_topics", Match.required().and(Match.lenMin(1)), "topics_query_arg", Match.required());

    /** Sync requests already see every failure: gating is for async mode. */
    static final EntityCheck GATING_NEEDS_ASYNC = EntityCheck.conditional(
            "producer_async_health_gating", Match.eq(true), "producer_async", Match.eq(true));
}
