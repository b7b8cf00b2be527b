package dev.kongjava.kafkaupstream.produce;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Records handed over in sync mode: for each, its future or the result that refused it at hand-over.
 * The caller no longer needs its copy of the records; {@link #await()} waits for the acknowledgements.
 */
public final class SyncSend {
    private final SharedProducer producer;
    private final List<String> topics = new ArrayList<>();
    private final List<Future<RecordMetadata>> futures = new ArrayList<>();
    private final List<SendResult> refusals = new ArrayList<>();

    SyncSend(SharedProducer producer) {
        this.producer = producer;
    }

    void handedOver(String topic, Future<RecordMetadata> future) {
        topics.add(topic);
        futures.add(future);
        refusals.add(null);
    }

    void refused(String topic, SendResult refusal) {
        topics.add(topic);
        futures.add(null);
        refusals.add(refusal);
    }

    /**
     * Waits for every acknowledgement, at most delivery.timeout.ms + max.block.ms + 1 s in all: 200
     * when every record was acknowledged, else the first failure's answer; both say how each record ended.
     */
    public SendResult await() {
        long deadline = producer.syncDeadline();
        List<RecordOutcome> outcomes = new ArrayList<>(topics.size());
        SendResult first = null;
        for (int i = 0; i < topics.size(); i++) {
            RecordOutcome one = refusals.get(i) != null
                    ? RecordOutcome.failed(topics.get(i), refusals.get(i))
                    : producer.await(futures.get(i), topics.get(i), deadline);
            outcomes.add(one);
            first = first == null ? one.failure() : first;
        }
        return (first == null ? SendResult.SENT : first).with(outcomes);
    }
}
