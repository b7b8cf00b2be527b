package dev.kongjava.kafkaupstream;

import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * How one record of a request ended: acknowledged by the broker (sync: {@code metadata} says where
 * it is), accepted into the producer's buffer (async: neither is set), or failed ({@code failure}).
 */
record RecordOutcome(String topic, RecordMetadata metadata, SendResult failure) {
    static RecordOutcome accepted(String topic) {
        return new RecordOutcome(topic, null, null);
    }

    static RecordOutcome failed(String topic, SendResult failure) {
        return new RecordOutcome(topic, null, failure);
    }

    /** A record not handed over because an earlier one of its request was refused (async only). */
    static RecordOutcome notSent(String topic) {
        return failed(topic, new SendResult(502, "not sent: an earlier record of the request was refused", null));
    }
}
