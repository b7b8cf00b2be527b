package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One broker stopped and restarted while requests keep coming: nothing the plugin acknowledged is
 * lost. Sync: every 200 is in the topic. Async: every 200 is delivered or counted as failed, record
 * by record, and a request the producer cannot even take is refused with 502, never answered 200.
 * The broker stays down until the outage has had its effect (a 502, a failed delivery).
 */
class BrokerOutageFaultIT {
    private static final String SENT = "200 {\"message\":\"message sent\"}";
    /** Bound on each wait for the load to make progress; generous for a loaded machine. */
    private static final Duration PROGRESS = Duration.ofSeconds(60);
    /** 3 attempts of 500 ms plus 100 ms backoff: delivery.timeout.ms 1800. */
    private static final String FAST_FAILING = "\"producer_request_acks\":-1,\"producer_request_timeout\":500,"
            + "\"producer_request_retries_max_attempts\":3,\"timeout\":500";

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.builder().start();
    }

    @AfterEach
    void brokerRunsAgain() {
        if (!broker.isRunning()) {
            broker.restart();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void syncRequestsAnswered200DuringAnOutageAreAllInTheTopicAndTheOthersGet502() throws Exception {
        String topic = Configs.topic("outage-sync");
        broker.createTopic(topic, 1);
        ProducerPool pool = new ProducerPool();
        try (UpstreamServer server = UpstreamServer.start(Map.of(), KafkaUpstreamPlugin.define(pool))) {
            RequestLoad load = RequestLoad.start(
                    server.kong,
                    Configs.config(
                            broker.bootstrap(Listener.PLAINTEXT), topic, "\"producer_async\":false," + FAST_FAILING),
                    8,
                    Duration.ofMillis(2));
            outageUnderLoad(load, () -> load.outcomes().containsKey(notAcknowledged(topic)), "502 during the outage");
            load.stop();

            Set<String> acknowledged = load.idsWithStatus(200);
            List<String> inTopic = RequestLoad.ids(
                    broker.readRecords(topic, (int) broker.countRecords(topic), Duration.ofSeconds(30)));
            RequestLoad.assertAllInTopicOnce(
                    acknowledged,
                    inTopic,
                    "answered 200 but not in the topic",
                    "duplicates in the topic (idempotent producer)");
            Map<String, Integer> outcomes = load.outcomes();
            assertEquals(Set.of(SENT, notAcknowledged(topic)), outcomes.keySet(), "outcomes " + outcomes);
            System.out.printf("sync outage: %s, %d records in the topic%n", outcomes.values(), inTopic.size());
        }
    }

    @Test
    void asyncRequestsAnswered200DuringAnOutageAreEachDeliveredOrCountedAsFailed() throws Exception {
        String topic = Configs.topic("outage-async");
        broker.createTopic(topic, 1);
        Deliveries deliveries = new Deliveries();
        ProducerPool pool = new ProducerPool(deliveries::producer);
        try (UpstreamServer server = UpstreamServer.start(Map.of(), KafkaUpstreamPlugin.define(pool));
                CapturedStderr log = new CapturedStderr()) {
            RequestLoad load = RequestLoad.start(
                    server.kong,
                    Configs.config(
                            broker.bootstrap(Listener.PLAINTEXT),
                            topic,
                            "\"producer_async\":true,\"producer_async_flush_timeout\":10," + FAST_FAILING),
                    8,
                    Duration.ofMillis(2));
            outageUnderLoad(
                    load,
                    () -> deliveries.failed.stream().anyMatch(load.idsWithStatus(200)::contains),
                    "failed delivery of an accepted record");
            load.stop();
            EventuallyAssert.within(
                    Duration.ofSeconds(30), () -> assertEquals(0, pool.totals().inFlight()));

            Map<String, Integer> outcomes = load.outcomes();
            String refused = notAcknowledged(topic);
            assertTrue(Set.of(SENT, refused).containsAll(outcomes.keySet()), "outcomes " + outcomes);
            Set<String> accepted = load.idsWithStatus(200);
            List<String> inTopic = RequestLoad.ids(
                    broker.readRecords(topic, (int) broker.countRecords(topic), Duration.ofSeconds(30)));
            assertTrue(accepted.containsAll(inTopic), "the topic holds only accepted requests");
            // record by record: each accepted request is in the topic or its delivery failed ...
            Set<String> missing = new HashSet<>(accepted);
            missing.removeAll(inTopic);
            missing.removeAll(deliveries.failed);
            assertEquals(Set.of(), missing, "accepted, not in the topic, and no failed delivery");
            Set<String> lost = new HashSet<>(deliveries.delivered);
            lost.removeAll(inTopic);
            assertEquals(Set.of(), lost, "delivered but not in the topic");
            // ... and the plugin counted each outcome: every failure (refusals included) and every delivery
            ProducerPool.Totals totals = pool.totals();
            assertEquals(deliveries.failed.size(), totals.failed(), "failed deliveries counted");
            assertEquals(deliveries.delivered.size(), totals.delivered(), "deliveries counted");
            assertEquals(
                    accepted.size() + outcomes.getOrDefault(refused, 0),
                    totals.delivered() + totals.failed(),
                    "accepted + refused = delivered + failed");
            assertTrue(log.text().contains("async delivery to topic " + topic + " failed: "), "failures are logged");
            System.out.printf(
                    "async outage: %d accepted, %d refused, %d delivered, %d failed, %d in the topic%n",
                    accepted.size(),
                    outcomes.getOrDefault(refused, 0),
                    totals.delivered(),
                    totals.failed(),
                    inTopic.size());
        }
    }

    /**
     * Load before, during and after a broker outage; each phase sees answers, and the broker stays
     * down until {@code outageHadItsEffect}.
     */
    private static void outageUnderLoad(RequestLoad load, BooleanSupplier outageHadItsEffect, String effect)
            throws InterruptedException {
        awaitMore(load::answered, 200, "answers before the outage");
        broker.stop();
        await(outageHadItsEffect, () -> "no " + effect);
        broker.restart();
        int afterRestart = load.idsWithStatus(200).size();
        awaitMore(() -> load.idsWithStatus(200).size() - afterRestart, 200, "200s after the restart");
    }

    private static String notAcknowledged(String topic) {
        return "502 {\"message\":\"Bad Gateway\",\"error\":\"the Kafka brokers did not acknowledge the message on topic "
                + topic + " in time (unreachable brokers or a missing topic)\"}";
    }

    static void awaitMore(IntSupplier count, int wanted, String what) throws InterruptedException {
        await(() -> count.getAsInt() >= wanted, () -> "only " + count.getAsInt() + " " + what);
    }

    private static void await(BooleanSupplier condition, Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + PROGRESS.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get() + " within " + PROGRESS.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Real producers that note each record's outcome by request id where the plugin's own callback
     * is called, so the test can follow every record, not only the plugin's counters.
     */
    private static final class Deliveries {
        final Set<String> delivered = ConcurrentHashMap.newKeySet();
        final Set<String> failed = ConcurrentHashMap.newKeySet();

        Producer<byte[], byte[]> producer(Map<String, Object> settings) {
            return new KafkaProducer<>(settings) {
                @Override
                public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                    String id = RequestLoad.id(record.value());
                    return super.send(record, (metadata, error) -> {
                        (error == null ? delivered : failed).add(id); // before the plugin counts it
                        if (callback != null) {
                            callback.onCompletion(metadata, error);
                        }
                    });
                }
            };
        }
    }
}
