package dev.kongjava.kafkaupstream.produce;

import java.util.Map;
import java.util.TreeMap;

/**
 * Accepted records a producer could not deliver before it closed: how many per topic and the first
 * error. Async records answered 200 are held only in memory: those the broker never received are
 * lost (a request already on its way may still be written), and the log says so.
 */
public final class Losses {
    private final Map<String, Long> byTopic = new TreeMap<>();
    private String firstError;

    synchronized void add(String topic, String error) {
        byTopic.merge(topic, 1L, Long::sum);
        if (firstError == null) {
            firstError = error;
        }
    }

    public synchronized long total() {
        return byTopic.values().stream().mapToLong(Long::longValue).sum();
    }

    /** E.g. "3 accepted records were not acknowledged ... (topic orders: 3); first error: ...". */
    @Override
    public synchronized String toString() {
        StringBuilder topics = new StringBuilder();
        byTopic.forEach((topic, n) -> topics.append(topics.isEmpty() ? "" : ", ")
                .append("topic ")
                .append(topic)
                .append(": ")
                .append(n));
        return total() + " accepted records were not acknowledged before their producer closed and may be"
                + " missing from Kafka (" + topics + "); first error: " + firstError;
    }
}
