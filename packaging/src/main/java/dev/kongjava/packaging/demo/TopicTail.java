package dev.kongjava.packaging.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Prints every record of a topic as it arrives, like kafka-console-consumer, on its own thread. */
final class TopicTail implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final PrintStream out;

    private TopicTail(KafkaConsumer<byte[], byte[]> consumer, PrintStream out) {
        this.consumer = consumer;
        this.out = out;
        this.thread = Thread.ofPlatform().name("topic-tail").daemon().unstarted(this::run);
    }

    static TopicTail start(String bootstrap, String topic, PrintStream out) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "demo-topic-tail",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        TopicTail tail = new TopicTail(consumer, out);
        tail.thread.start();
        return tail;
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    print(r);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void print(ConsumerRecord<byte[], byte[]> r) {
        String key =
                r.key() == null ? "null" : r.key().length == 0 ? "\"\"" : new String(r.key(), StandardCharsets.UTF_8);
        out.printf(
                "%n-> record %s-%d@%d key=%s headers=%d%n%s%n",
                r.topic(),
                r.partition(),
                r.offset(),
                key,
                r.headers().toArray().length,
                r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
