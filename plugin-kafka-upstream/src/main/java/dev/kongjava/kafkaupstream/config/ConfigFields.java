package dev.kongjava.kafkaupstream.config;

import static dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema.HOST_RULE;
import static dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema.TOPIC;
import static dev.kongjava.kafkaupstream.config.KafkaUpstreamSchema.TOPIC_RULE;

import dev.kongjava.kafkaupstream.registry.RegistryFields;
import dev.kongjava.pluginserver.schema.Between;
import dev.kongjava.pluginserver.schema.ConfigValues;
import dev.kongjava.pluginserver.schema.Default;
import dev.kongjava.pluginserver.schema.Doc;
import dev.kongjava.pluginserver.schema.Err;
import dev.kongjava.pluginserver.schema.LenMax;
import dev.kongjava.pluginserver.schema.LenMin;
import dev.kongjava.pluginserver.schema.MapsTo;
import dev.kongjava.pluginserver.schema.Matches;
import dev.kongjava.pluginserver.schema.NotOneOf;
import dev.kongjava.pluginserver.schema.OneOf;
import dev.kongjava.pluginserver.schema.Required;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every config field of kafka-upstream, declared once as record components in the dump's order:
 * the seed's fields with the seed's names, types and defaults, then what users of the original
 * asked for (names from later Kong versions where they exist), then the bridge features and the
 * schema registry. An instance turns it into {@link KafkaUpstreamConfig}.
 */
public record ConfigFields(
        @Required @LenMin(1) @Doc("Brokers to bootstrap from, as {host, port} records.") @MapsTo("`bootstrap.servers`")
        Set<Server> bootstrapServers,

        @Required
        @LenMin(1)
        @LenMax(249)
        @NotOneOf({".", ".."})
        @Matches(TOPIC)
        @Err(TOPIC_RULE)
        @Doc("Topic every message is written to.")
        @MapsTo("`ProducerRecord` topic")
        String topic,

        @Default("10000")
        @Between(min = 1, max = Integer.MAX_VALUE)
        @Doc("Socket timeout in milliseconds: connecting to a broker.")
        @MapsTo("`socket.connection.setup.timeout.ms` and `.max.ms`")
        int timeout,

        @Default("60000")
        @Between(min = 1, max = Integer.MAX_VALUE)
        @Doc("Idle broker connections are closed after this many milliseconds.")
        @MapsTo("`connections.max.idle.ms`")
        int keepalive,

        @Required Authentication authentication,
        @Required Security security,

        @Default("false") @Doc("Include the request method as `method`.")
        boolean forwardMethod,

        @Default("false") @Doc("Include the path with query as `uri` and the parsed query as `uri_args`.")
        boolean forwardUri,

        @Default("false") @Doc("Include the request headers as `headers`.")
        boolean forwardHeaders,

        @Default("true") @Doc("Include the body as `body`, the parsed body as `body_args`, and `body_base64`.")
        boolean forwardBody,

        @Default("1")
        @OneOf({"-1", "0", "1"})
        @Doc("Acknowledgements the leader must gather: 0 none, 1 the leader, -1 all in-sync replicas.")
        @MapsTo("`acks`; -1 also enables `enable.idempotence`")
        int producerRequestAcks,

        @Default("2000")
        @Between(min = 1, max = Integer.MAX_VALUE)
        @Doc("Milliseconds to wait for a Produce response (and for topic metadata).")
        @MapsTo("`request.timeout.ms`, `max.block.ms`")
        int producerRequestTimeout,

        @Default("200")
        @Between(min = 1, max = Integer.MAX_VALUE)
        @Doc("Messages per Produce request; Java batches by bytes, so this sizes the batch.")
        @MapsTo("`batch.size` = this × 1 KiB, at most the bytes limit")
        int producerRequestLimitsMessagesPerRequest,

        @Default("1048576")
        @Between(min = 1024, max = Integer.MAX_VALUE)
        @Doc("Largest Produce request in bytes, and so the largest message.")
        @MapsTo("`max.request.size`")
        int producerRequestLimitsBytesPerRequest,

        @Default("10")
        @Between(min = 1, max = Integer.MAX_VALUE)
        @Doc("Attempts per message, the first one included.")
        @MapsTo("`retries` = this − 1; `delivery.timeout.ms` = attempts × (timeout + backoff)")
        int producerRequestRetriesMaxAttempts,

        @Default("100")
        @Between(min = 0, max = Integer.MAX_VALUE)
        @Doc("Milliseconds between attempts (fixed, as in the original).")
        @MapsTo("`retry.backoff.ms` and `retry.backoff.max.ms`")
        int producerRequestRetriesBackoffTimeout,

        @Default("true")
        @Doc("Answer once the producer accepted the message (true) or once the broker acknowledged it (false).")
        boolean producerAsync,

        @Default("1000")
        @Between(min = 0, max = Integer.MAX_VALUE)
        @Doc("Async mode: longest time a message waits in the buffer before it is sent.")
        @MapsTo("`linger.ms` (0 in sync mode)")
        int producerAsyncFlushTimeout,

        @Default("50000")
        @Between(min = 1, max = Integer.MAX_VALUE)
        @Doc("Async mode: messages accepted but not yet acknowledged, per producer; beyond it requests get 503.")
        @MapsTo("in-flight limit in front of `buffer.memory`")
        int producerAsyncBufferingLimitsMessagesInMemory,

        @Default("false")
        @Doc("TCP keepalive on broker connections; kafka-clients always enables it, so true and false behave alike.")
        @MapsTo("always on in kafka-clients")
        boolean keepaliveEnabled,

        @LenMin(1)
        @Doc("Instances with the same cluster_name share one producer (the first one's settings).")
        @MapsTo("producer sharing key; `client.id` suffix")
        String clusterName,

        @LenMin(1)
        @Doc("Query argument whose first value is the record key; absent means a null key.")
        @MapsTo("`ProducerRecord` key; partitioned by Kafka's murmur2")
        String keyQueryArg,

        @LenMin(1)
        @Doc("Query argument with a comma-separated list of topics to send the message to.")
        @MapsTo("one `ProducerRecord` per topic")
        String topicsQueryArg,

        @Default("[]") @Doc("Topics a request may choose with topics_query_arg, besides `topic`.")
        List<@LenMin(1) @LenMax(249) @NotOneOf({".", ".."}) @Matches(TOPIC) @Err(TOPIC_RULE) String> allowedTopics,

        @Default("envelope")
        @Doc("`envelope`: the JSON of the original; `body`: the raw request body, its content "
                + "type as a record header.")
        MessageFormat messageFormat,

        @Default("none") @Doc("Compression of record batches.") @MapsTo("`compression.type`")
        Compression compressionType,

        @Required @MapsTo("`ProducerRecord.headers()`") HeaderFields headers,
        @Required ErrorHandling errorHandling,

        @Default("false")
        @Doc("Async mode: while deliveries keep failing, answer 503 instead of accepting messages "
                + "that will be dropped.")
        boolean producerAsyncHealthGating,

        @Default("3") @Between(min = 1, max = 100) @Doc("Consecutive failed deliveries that close the gate.")
        int producerAsyncHealthFailureThreshold,

        @Default("5000")
        @Between(min = 100, max = 600000)
        @Doc("While gated, one request per this many milliseconds is sent synchronously as a probe.")
        int producerAsyncHealthProbeInterval,

        @Default("1") @Between(min = 1, max = 100) @Doc("Consecutive successful probes that open the gate again.")
        int producerAsyncHealthRecoveryThreshold,

        @LenMin(1)
        @Doc("Request header whose first value is the record key; absent means a null key.")
        @MapsTo("`ProducerRecord` key")
        String keyHeader,

        @LenMin(1)
        @Doc("Named capture of the route's regex path, e.g. `customer` for `~/orders/(?<customer>[^/]+)$`, "
                + "whose value is the record key.")
        @MapsTo("`ProducerRecord` key")
        String keyUriCapture,

        @Matches("^/")
        @Err("must be a JSON pointer (RFC 6901) starting with '/'")
        @Doc("JSON pointer into an application/json body (into each element of a batch) whose value is the record "
                + "key: a string as it is, any other value as its JSON text; absent or null means a null key.")
        @MapsTo("`ProducerRecord` key")
        String keyJsonPointer,

        @LenMin(1)
        @Doc("Query argument with the partition to write to (0 or more); absent means Kafka's partitioner.")
        @MapsTo("`ProducerRecord` partition")
        String partitionQueryArg,

        @LenMin(1)
        @Doc("Request header with the partition to write to (0 or more); absent means Kafka's partitioner.")
        @MapsTo("`ProducerRecord` partition")
        String partitionHeader,

        @Default("false")
        @Doc("An application/json body that is an array becomes one record per element, sent "
                + "together; 200 only when every record was accepted (async) or acknowledged (sync).")
        boolean batchJsonArray,

        @Default("100")
        @Between(min = 1, max = 10000)
        @Doc("Most elements a batch may have; a larger one gets 413 and nothing is sent.")
        int batchMaxRecords,

        @Default("false") @Doc("Sync mode: the 200 body lists each record's topic, partition, offset and timestamp.")
        boolean returnRecordMetadata,

        @Doc("Serialize record values and keys with a registry's schemas, in the Confluent wire format.")
        @MapsTo("magic byte 0, 4-byte schema id, Avro binary or the JSON as received")
        RegistryFields schemaRegistry) {

    /** One broker to bootstrap from. */
    public record Server(
            @Required @LenMin(1) @Matches("^%[?[%w%.%-_:%%]+%]?$") @Err(HOST_RULE) @Doc("Broker host name or address.")
            String host,

            @Required @Between(min = 0, max = 65535) @Doc("Broker port.")
            int port) {}

    /** A {@code compression.type} of kafka-clients. */
    enum Compression {
        NONE,
        GZIP,
        SNAPPY,
        LZ4,
        ZSTD;

        String kafkaName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record ErrorHandling(
            @Default("false")
            @Doc("Add Kafka's own error text to 502/503/413 bodies (for debugging; it can name "
                    + "brokers and topics).")
            boolean returnErrorMessage) {}

    static String masked(String secret) {
        return secret == null ? null : ConfigValues.MASK;
    }
}
