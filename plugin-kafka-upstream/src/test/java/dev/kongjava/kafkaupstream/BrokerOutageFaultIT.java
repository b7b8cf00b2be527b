package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One broker stopped and restarted while requests keep coming: nothing the plugin acknowledged is
 * lost. Sync: every 200 is in the topic. Async: every 200 is delivered or counted as failed, and
 * a request the producer cannot even take is refused with 502 (and counted), never answered 200.
 */
class BrokerOutageFaultIT {
    private static final String SENT = "200 {\"message\":\"message sent\"}";
    private static final Duration OUTAGE = Duration.ofMillis(2500);
    /** 3 attempts of 500 ms plus 100 ms backoff: delivery.timeout.ms 1800, shorter than the outage. */
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
        KafkaUpstreamPlugin plugin = new KafkaUpstreamPlugin(new ProducerPool());
        try (UpstreamServer server = UpstreamServer.start(Map.of(), plugin.define())) {
            RequestLoad load = RequestLoad.start(server.kong, Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic,
                    "\"producer_async\":false," + FAST_FAILING), 8, Duration.ofMillis(2));
            outageUnderLoad(load);
            load.stop();

            Set<String> acknowledged = load.idsWithStatus(200);
            List<String> inTopic = RequestLoad.ids(broker.readRecords(topic, (int) broker.countRecords(topic),
                    Duration.ofSeconds(30)));
            RequestLoad.assertAllInTopicOnce(acknowledged, inTopic, "answered 200 but not in the topic",
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
        KafkaUpstreamPlugin plugin = new KafkaUpstreamPlugin(new ProducerPool());
        try (UpstreamServer server = UpstreamServer.start(Map.of(), plugin.define());
                CapturedStderr log = new CapturedStderr()) {
            RequestLoad load = RequestLoad.start(server.kong, Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic,
                    "\"producer_async\":true,\"producer_async_flush_timeout\":10," + FAST_FAILING), 8, Duration.ofMillis(2));
            outageUnderLoad(load);
            load.stop();
            EventuallyAssert.within(Duration.ofSeconds(30), () -> assertEquals(0, plugin.pool().totals().inFlight()));

            Map<String, Integer> outcomes = load.outcomes();
            String refused = notAcknowledged(topic);
            assertTrue(Set.of(SENT, refused).containsAll(outcomes.keySet()), "outcomes " + outcomes);
            // a request is refused (502) when the producer cannot take it at all, e.g. while it has no metadata
            int rejected = outcomes.getOrDefault(refused, 0);
            Set<String> accepted = load.idsWithStatus(200);
            ProducerPool.Totals totals = plugin.pool().totals();
            assertEquals(accepted.size() + rejected, totals.delivered() + totals.failed(),
                    "accepted + refused = delivered + failed");
            long failedAfterAccepting = totals.failed() - rejected;
            List<String> inTopic = RequestLoad.ids(broker.readRecords(topic, (int) broker.countRecords(topic),
                    Duration.ofSeconds(30)));
            assertTrue(accepted.containsAll(inTopic), "the topic holds only accepted requests");
            Set<String> notInTopic = new HashSet<>(accepted);
            notInTopic.removeAll(inTopic);
            assertTrue(notInTopic.size() <= failedAfterAccepting, notInTopic.size() + " accepted records are missing but"
                    + " only " + failedAfterAccepting + " accepted records were counted as failed");
            assertTrue(failedAfterAccepting > 0, "the outage outlasted the delivery timeout, so some accepted records failed");
            assertTrue(log.text().contains("async delivery to topic " + topic + " failed: "), "failures are logged");
            System.out.printf("async outage: %d accepted, %d refused, %d delivered, %d failed, %d in the topic%n",
                    accepted.size(), rejected, totals.delivered(), totals.failed(), inTopic.size());
        }
    }

    /** Load before, during and after a broker outage; each phase sees answers. */
    private static void outageUnderLoad(RequestLoad load) throws InterruptedException {
        awaitMore(load::answered, 200, "answers before the outage");
        broker.stop();
        Thread.sleep(OUTAGE.toMillis());
        broker.restart();
        int afterRestart = load.idsWithStatus(200).size();
        awaitMore(() -> load.idsWithStatus(200).size() - afterRestart, 200, "200s after the restart");
    }

    private static String notAcknowledged(String topic) {
        return "502 {\"message\":\"Bad Gateway\",\"error\":\"the Kafka brokers did not acknowledge the message on topic "
                + topic + " in time (unreachable brokers or a missing topic)\"}";
    }

    static void awaitMore(IntSupplier count, int wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count.getAsInt() < wanted) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + count.getAsInt() + " " + what + " within 60 s");
            }
            Thread.sleep(20);
        }
    }
}
