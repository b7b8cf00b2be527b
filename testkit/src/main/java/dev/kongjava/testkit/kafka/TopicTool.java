package dev.kongjava.testkit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Topic and record helpers over the PLAINTEXT listener, shared by {@link KafkaBroker} and
 * {@link KafkaCluster}. The admin client is created on first use and dropped by {@link #reset()}
 * while brokers are down, so it does not log reconnect warnings during a fault test.
 */
final class TopicTool implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_PAUSE_MS = 50;
    // Client ids name the harness in broker logs and stay unique per JVM, as JMX registration needs.
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final String bootstrap;
    private Admin admin;

    TopicTool(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /**
     * Creates a topic and waits until every partition has a leader and a full ISR, and until each
     * leader serves its partition. Metadata names the leader a moment before that broker has taken
     * the partition over; a produce with acks=0 in that moment is dropped without any error. Only
     * the serving leader answers ListOffsets (the admin client retries until it does).
     */
    void createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, partitions, (short) replicationFactor).configs(configs);
        await(admin().createTopics(List.of(topic)).all(), "creating topic " + name);
        awaitTopic(
                name,
                "every partition of topic " + name + " to have a leader and " + replicationFactor + " in-sync replicas",
                d -> d.partitions().stream()
                        .allMatch(p -> p.leader() != null
                                && !p.leader().isEmpty()
                                && p.isr().size() == replicationFactor));
        List<TopicPartition> created = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            created.add(new TopicPartition(name, p));
        }
        offsets(created, OffsetSpec.latest(), "waiting for the leaders of topic " + name + " to serve it");
    }

    /**
     * Waits until the topic's description satisfies {@code condition}; fails after 30 s. A topic the
     * answering broker does not know yet counts as not ready, since metadata reaches brokers a little
     * after the controller commits it.
     */
    TopicDescription awaitTopic(String topic, String what, Predicate<TopicDescription> condition) {
        long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
        while (true) {
            TopicDescription description = describeIfKnown(topic);
            if (description != null && condition.test(description)) {
                return description;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + CALL_TIMEOUT.toSeconds() + " s waiting for " + what
                        + "; last seen: " + description);
            }
            pause();
        }
    }

    /** The broker's current view of a topic; a missing topic fails. */
    TopicDescription describe(String topic) {
        return await(admin().describeTopics(List.of(topic)).allTopicNames(), "describing topic " + topic)
                .get(topic);
    }

    private TopicDescription describeIfKnown(String topic) {
        try {
            return describe(topic);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }

    /** The leader of one partition, or -1 while it has none. */
    int leaderOf(String topic, int partition) {
        return leaderIn(describe(topic), partition);
    }

    private static int leaderIn(TopicDescription description, int partition) {
        TopicPartitionInfo info = description.partitions().get(partition);
        return info.leader() == null || info.leader().isEmpty()
                ? -1
                : info.leader().id();
    }

    /** Waits until a partition is led by a node other than {@code formerLeader}; returns the leader. */
    int awaitNewLeader(String topic, int partition, int formerLeader) {
        String what = "a leader other than node " + formerLeader + " for " + topic + "-" + partition;
        TopicDescription description = awaitTopic(topic, what, d -> {
            int leader = leaderIn(d, partition);
            return leader != -1 && leader != formerLeader;
        });
        return leaderIn(description, partition);
    }

    /** Sum over the topic's partitions of end offset minus start offset. */
    long countRecords(String topic) {
        List<TopicPartition> partitions = partitionsOf(topic);
        String what = "listing offsets of topic " + topic;
        Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(partitions, OffsetSpec.earliest(), what);
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest(), what);
        return ends.entrySet().stream()
                .mapToLong(end ->
                        end.getValue().offset() - starts.get(end.getKey()).offset())
                .sum();
    }

    /**
     * Reads from the beginning of every partition until at least {@code expectedCount} records have
     * arrived, and returns all records read so far.
     */
    List<ConsumerRecord<byte[], byte[]>> readRecords(String topic, int expectedCount, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings())) {
            List<TopicPartition> partitions = partitionsOf(topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expectedCount && deadline - System.nanoTime() > 0) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                batch.forEach(records::add);
            }
        }
        if (records.size() < expectedCount) {
            throw new AssertionError("expected " + expectedCount + " records in topic " + topic + " within "
                    + timeout.toMillis() + " ms, but only " + records.size() + " arrived");
        }
        return records;
    }

    /** Closes the admin client; the next call opens a new one. */
    synchronized void reset() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    @Override
    public void close() {
        reset();
    }

    /** ListOffsets for every partition, answered by each partition's leader. */
    private Map<TopicPartition, ListOffsetsResultInfo> offsets(
            List<TopicPartition> partitions, OffsetSpec spec, String what) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        return await(admin().listOffsets(request).all(), what);
    }

    private List<TopicPartition> partitionsOf(String topic) {
        return describe(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    "bootstrap.servers",
                    bootstrap,
                    "client.id",
                    "test-harness-admin-" + CLIENTS.incrementAndGet(),
                    "request.timeout.ms",
                    10_000,
                    "default.api.timeout.ms",
                    (int) CALL_TIMEOUT.toMillis()));
        }
        return admin;
    }

    private Map<String, Object> consumerSettings() {
        return Map.of(
                "bootstrap.servers",
                bootstrap,
                "client.id",
                "test-harness-reader-" + CLIENTS.incrementAndGet(),
                "key.deserializer",
                ByteArrayDeserializer.class.getName(),
                "value.deserializer",
                ByteArrayDeserializer.class.getName(),
                "enable.auto.commit",
                false,
                "auto.offset.reset",
                "earliest");
    }

    private static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " timed out after " + CALL_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka test broker", e);
        }
    }
}
