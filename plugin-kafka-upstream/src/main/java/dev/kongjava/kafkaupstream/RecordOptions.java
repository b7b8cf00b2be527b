package dev.kongjava.kafkaupstream;

import dev.kongjava.pluginserver.schema.ConfigValues;
import dev.kongjava.pluginserver.schema.EntityCheck;
import dev.kongjava.pluginserver.schema.Field;
import dev.kongjava.pluginserver.schema.Match;
import java.util.List;

/**
 * What HTTP-to-Kafka bridges (Confluent REST Proxy, the Strimzi bridge) offer beyond the original:
 * keys and partitions taken from the request, JSON-array batches, and the records' metadata in the
 * answer. Each is off by default, and reading what it needs costs a PDK round trip only when it is on.
 *
 * @param keyHeader request header whose first value is the key
 * @param keyUriCapture named capture of the route's regex path whose value is the key
 * @param keyJsonPointer JSON pointer (RFC 6901) into a JSON body (into each element of a batch)
 * @param partitionQueryArg query argument with the partition number
 * @param partitionHeader request header with the partition number
 * @param batch a JSON array body becomes one record per element
 * @param batchMaxRecords most elements a batch may have
 * @param returnMetadata sync mode: the 200 body lists each record's topic, partition, offset and timestamp
 */
record RecordOptions(String keyHeader, String keyUriCapture, String keyJsonPointer, String partitionQueryArg,
        String partitionHeader, boolean batch, int batchMaxRecords, boolean returnMetadata) {

    static final List<Field.Builder> FIELDS = List.of(
            Field.string("key_header").lenMin(1)
                    .doc("Request header whose first value is the record key; absent means a null key.")
                    .mapsTo("`ProducerRecord` key"),
            Field.string("key_uri_capture").lenMin(1)
                    .doc("Named capture of the route's regex path, e.g. `customer` for `~/orders/(?<customer>[^/]+)$`, "
                            + "whose value is the record key.")
                    .mapsTo("`ProducerRecord` key"),
            Field.string("key_json_pointer").match("^/").err("must be a JSON pointer (RFC 6901) starting with '/'")
                    .doc("JSON pointer into an application/json body (into each element of a batch) whose value is "
                            + "the record key: a string as it is, any other value as its JSON text; absent or null "
                            + "means a null key.")
                    .mapsTo("`ProducerRecord` key"),
            Field.string("partition_query_arg").lenMin(1)
                    .doc("Query argument with the partition to write to (0 or more); absent means Kafka's partitioner.")
                    .mapsTo("`ProducerRecord` partition"),
            Field.string("partition_header").lenMin(1)
                    .doc("Request header with the partition to write to (0 or more); absent means Kafka's partitioner.")
                    .mapsTo("`ProducerRecord` partition"),
            Field.bool("batch_json_array").defaultValue(false)
                    .doc("An application/json body that is an array becomes one record per element, sent together; "
                            + "200 only when every record was accepted (async) or acknowledged (sync)."),
            Field.integer("batch_max_records").defaultValue(100).between(1, 10000)
                    .doc("Most elements a batch may have; a larger one gets 413 and nothing is sent."),
            Field.bool("return_record_metadata").defaultValue(false)
                    .doc("Sync mode: the 200 body lists each record's topic, partition, offset and timestamp."));

    /** One key source at a time, one partition source at a time. */
    static final EntityCheck ONE_KEY_SOURCE = EntityCheck.mutuallyExclusive(
            "key_query_arg", "key_header", "key_uri_capture", "key_json_pointer");
    static final EntityCheck ONE_PARTITION_SOURCE = EntityCheck.mutuallyExclusive(
            "partition_query_arg", "partition_header");

    /** Metadata exists only once the broker acknowledged a record. */
    static final EntityCheck METADATA_NEEDS_SYNC = EntityCheck.conditional(
            "return_record_metadata", Match.eq(true), "producer_async", Match.eq(false));

    /** Batch elements travel in the body: an envelope without the body would repeat one message. */
    static final EntityCheck BATCH_NEEDS_THE_BODY = EntityCheck.conditional(
            "batch_json_array", Match.eq(true), "forward_body", Match.eq(true));

    static RecordOptions from(ConfigValues c) {
        return new RecordOptions(c.string("key_header"), c.string("key_uri_capture"), c.string("key_json_pointer"),
                c.string("partition_query_arg"), c.string("partition_header"), c.bool("batch_json_array"),
                c.integer("batch_max_records"), c.bool("return_record_metadata"));
    }

    /** True when a header decides the key or the partition, so the request's headers are read. */
    boolean readsHeaders() {
        return keyHeader != null || partitionHeader != null;
    }
}
