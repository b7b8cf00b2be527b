package dev.kongjava.kafkaupstream.produce;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * How one record of a request ended: acknowledged by the broker (sync: {@code metadata} says where
 * it is), accepted into the producer's buffer (async: neither is set), or failed ({@code failure}).
 */
public record RecordOutcome(String topic, RecordMetadata metadata, SendResult failure) {
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

    /** Records before {@code failed} were accepted, the one at {@code failed} refused, the rest never sent. */
    static List<RecordOutcome> afterRefusal(
            List<ProducerRecord<byte[], byte[]>> records, int failed, SendResult refusal) {
        List<RecordOutcome> outcomes = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            String topic = records.get(i).topic();
            outcomes.add(i < failed ? accepted(topic) : i == failed ? failed(topic, refusal) : notSent(topic));
        }
        return outcomes;
    }

    /**
     * A record refused before it was queued (e.g. too large) is reported to the client now, with
     * every record's outcome; when none was, the request was sent (and nothing is allocated).
     */
    static SendResult rejectedAtOnce(
            List<ProducerRecord<byte[], byte[]>> records, List<Future<RecordMetadata>> futures) {
        SendResult first = null;
        List<RecordOutcome> outcomes = null;
        for (int i = 0; i < futures.size(); i++) {
            String topic = records.get(i).topic();
            SendResult failure = futures.get(i).isDone() ? failureOf(futures.get(i), topic) : null;
            if (failure != null && outcomes == null) {
                outcomes = new ArrayList<>(records.size());
                for (int j = 0; j < i; j++) {
                    outcomes.add(accepted(records.get(j).topic()));
                }
            }
            if (outcomes != null) {
                outcomes.add(failure == null ? accepted(topic) : failed(topic, failure));
            }
            first = first == null ? failure : first;
        }
        return first == null ? SendResult.SENT : first.with(outcomes);
    }

    private static SendResult failureOf(Future<RecordMetadata> done, String topic) {
        try {
            done.get();
            return null;
        } catch (ExecutionException e) {
            return SendResult.failure(e, topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
