package dev.kongjava.kafkaupstream.config;

import dev.kongjava.pluginserver.schema.EntityCheck;
import dev.kongjava.pluginserver.schema.Match;

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
public record RecordOptions(
        String keyHeader,
        String keyUriCapture,
        String keyJsonPointer,
        String partitionQueryArg,
        String partitionHeader,
        boolean batch,
        int batchMaxRecords,
        boolean returnMetadata) {

    /** One key source at a time, one partition source at a time. */
    static final EntityCheck ONE_KEY_SOURCE =
            EntityCheck.mutuallyExclusive("key_query_arg", "key_header", "key_uri_capture", "key_json_pointer");

    static final EntityCheck ONE_PARTITION_SOURCE =
            EntityCheck.mutuallyExclusive("partition_query_arg", "partition_header");

    /** Metadata exists only once the broker acknowledged a record. */
    static final EntityCheck METADATA_NEEDS_SYNC =
            EntityCheck.conditional("return_record_metadata", Match.eq(true), "producer_async", Match.eq(false));

    /** Batch elements travel in the body: an envelope without the body would repeat one message. */
    static final EntityCheck BATCH_NEEDS_THE_BODY =
            EntityCheck.conditional("batch_json_array", Match.eq(true), "forward_body", Match.eq(true));

    static RecordOptions from(ConfigFields c) {
        return new RecordOptions(
                c.keyHeader(),
                c.keyUriCapture(),
                c.keyJsonPointer(),
                c.partitionQueryArg(),
                c.partitionHeader(),
                c.batchJsonArray(),
                c.batchMaxRecords(),
                c.returnRecordMetadata());
    }

    /** True when a header decides the key or the partition, so the request's headers are read. */
    public boolean readsHeaders() {
        return keyHeader != null || partitionHeader != null;
    }
}
