package dev.kongjava.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Creates the benchmark's topics and counts what arrived in them, from offsets. */
final class Topics implements AutoCloseable {
    private final String bootstrap;
    private final Admin admin;

    Topics(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        admin = Admin.create(p);
    }

    void create(Collection<String> names) {
        try {
            admin.createTopics(names.stream()
                            .map(n -> new NewTopic(n, 1, (short) 1))
                            .toList())
                    .all()
                    .get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("creating topics " + names + " failed", e);
        }
    }

    /** End offset of the topic's only partition: every record ever written to it. */
    long count(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                    .all()
                    .get()
                    .get(tp)
                    .offset();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("counting " + topic + " failed", e);
        }
    }

    /** A count that stayed the same for {@code quiet}, and when it last changed (System.nanoTime). */
    record Settled(long count, long lastChangeNanos) {}

    /** Polls the count until it stops changing for {@code quiet} (async producers flush after linger). */
    Settled settle(String topic, Duration quiet, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long last = count(topic);
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Child.sleep(50);
            long now = count(topic);
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange >= quiet.toNanos()) {
                break;
            }
        }
        return new Settled(last, lastChange);
    }

    /** The value size of the last record of a topic (what ProducerPerformance must match). */
    int lastRecordSize(String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, Math.max(0, count(topic) - 1));
            for (int i = 0; i < 50; i++) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    return r.value().length;
                }
            }
        }
        throw new IllegalStateException("no record in " + topic);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
