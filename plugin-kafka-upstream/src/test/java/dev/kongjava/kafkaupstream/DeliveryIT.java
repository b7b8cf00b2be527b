package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sync and async delivery, acks, the async buffer limit, a dead broker, producer sharing. */
class DeliveryIT {
    /** Scheduling slack for a loaded machine on top of a bound the configuration gives. */
    private static final long MARGIN_MS = 5_000;

    private static KafkaBroker broker;
    private static ProducerPool pool;
    private static UpstreamServer server;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.builder().start();
        pool = new ProducerPool();
        server = UpstreamServer.start(Map.of(), KafkaUpstreamPlugin.define(pool));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        broker.close();
    }

    private static String newTopic() {
        String topic = Configs.topic("del");
        broker.createTopic(topic, 3);
        return topic;
    }

    private static CannedRequest request(int i) {
        return CannedRequest.post("/").header("Content-Type", "text/plain").body("message " + i);
    }

    @Test
    void syncAndAsyncWithEveryAcksSettingDeliverEveryAcceptedRecord() throws Exception {
        for (boolean async : new boolean[] {false, true}) {
            for (int acks : new int[] {-1, 0, 1}) {
                String topic = newTopic();
                String extra = "\"producer_async\":" + async + ",\"producer_request_acks\":" + acks
                        + ",\"producer_async_flush_timeout\":20";
                FakeKong.PluginConfig p = server.kong.plugin(
                        "kafka-upstream", Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic, extra));
                for (int i = 0; i < 20; i++) {
                    Exchange ex = p.access(request(i));
                    assertEquals(200, ex.exitStatus(), "async=" + async + " acks=" + acks + ": " + ex.exitBodyText());
                }
                try {
                    assertEquals(
                            20,
                            broker.readRecords(topic, 20, Duration.ofSeconds(15))
                                    .size());
                } catch (AssertionError e) {
                    throw new AssertionError("async=" + async + " acks=" + acks + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Test
    void theAsyncBufferLimitAnswers503AtOnceAndTheAcceptedRecordsAreFlushedOnClose() throws Exception {
        String topic = newTopic();
        // blocking for buffer space would last max.block.ms, the request timeout: 30 s here
        FakeKong.PluginConfig p = server.kong.plugin(
                "kafka-upstream",
                Configs.config(
                        broker.bootstrap(Listener.PLAINTEXT),
                        topic,
                        "\"producer_async_buffering_limits_messages_in_memory\":5,\"producer_async_flush_timeout\":60000,"
                                + "\"producer_request_timeout\":30000"));
        for (int i = 0; i < 5; i++) {
            assertEquals(200, p.access(request(i)).exitStatus());
        }
        long start = System.nanoTime();
        Exchange full = p.access(request(5));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(503, full.exitStatus());
        assertEquals(
                "{\"message\":\"Service Unavailable\",\"error\":\"the async buffer of 5 messages is full; try again later\"}",
                full.exitBodyText());
        assertTrue(millis < MARGIN_MS, "answered in " + millis + " ms, without blocking for 30 s");
        assertEquals(0, broker.countRecords(topic), "still lingering");
        server.kong.closeInstance(p.instanceId()); // the last user of this producer: it flushes
        assertEquals(5, broker.readRecords(topic, 5, Duration.ofSeconds(15)).size());
    }

    @Test
    void instancesWithEqualSettingsShareOneProducerWhichClosesWithTheLast() throws Exception {
        String topic = newTopic();
        String config = Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic, "\"producer_request_acks\":-1");
        int before = pool.size();
        List<FakeKong.PluginConfig> instances = new ArrayList<>();
        for (int worker = 0; worker < 8; worker++) {
            FakeKong.PluginConfig p = server.kong.plugin("kafka-upstream", config);
            assertEquals(200, p.access(request(worker)).exitStatus());
            instances.add(p);
        }
        assertEquals(before + 1, pool.size(), "8 instances, one producer");
        for (FakeKong.PluginConfig p : instances) {
            server.kong.closeInstance(p.instanceId());
        }
        EventuallyAssert.within(Duration.ofSeconds(10), () -> assertEquals(before, pool.size()));
        assertEquals(8, broker.readRecords(topic, 8, Duration.ofSeconds(10)).size());
    }

    @Test
    void aStoppedBrokerGivesSync502WithinTheConfiguredBoundAndRecoveryAfterRestart() throws Exception {
        try (KafkaBroker own = KafkaBroker.builder().start();
                CapturedStderr log = new CapturedStderr()) {
            String topic = Configs.topic("dead");
            own.createTopic(topic, 1);
            int requestTimeout = 500;
            int attempts = 2;
            int backoff = 100; // the default producer_request_retries_backoff_timeout
            FakeKong.PluginConfig p = server.kong.plugin(
                    "kafka-upstream",
                    Configs.config(
                            own.bootstrap(Listener.PLAINTEXT),
                            topic,
                            "\"producer_async\":false,\"producer_request_timeout\":" + requestTimeout
                                    + ",\"producer_request_retries_max_attempts\":" + attempts + ",\"timeout\":500"));
            // as docs/settings.md states: delivery.timeout.ms = attempts x (timeout + backoff), and a sync
            // request waits at most that plus max.block.ms (the request timeout) plus 1 s
            long deliveryTimeout = (long) attempts * (requestTimeout + backoff);
            long syncBound = deliveryTimeout + requestTimeout + 1_000;
            assertEquals(200, p.access(request(0)).exitStatus());
            own.stop();
            long start = System.nanoTime(); // the server runs in this JVM: its own clock
            Exchange ex = p.access(request(1));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(502, ex.exitStatus());
            assertEquals(
                    "{\"message\":\"Bad Gateway\",\"error\":\"the Kafka brokers did not acknowledge the message on "
                            + "topic " + topic + " in time (unreachable brokers or a missing topic)\"}",
                    ex.exitBodyText());
            // not before max.block.ms or delivery.timeout.ms runs out (whichever comes first; 50 ms for
            // Kafka's millisecond timers), and within the sync bound (22 s and more with the defaults)
            long earliest = Math.min(requestTimeout, deliveryTimeout) - 50;
            assertTrue(
                    millis >= earliest && millis <= syncBound + MARGIN_MS,
                    "502 after " + millis + " ms; expected from " + earliest + " ms to the sync bound " + syncBound
                            + " ms + " + MARGIN_MS + " ms for a loaded machine");
            assertTrue(log.text().contains("request not sent to topic " + topic), log.text());
            own.restart();
            EventuallyAssert.within(
                    Duration.ofSeconds(20),
                    () -> assertEquals(200, p.access(request(2)).exitStatus()));
            assertTrue(own.countRecords(topic) >= 2);
        }
    }

    @Test
    void asyncDeliveryFailuresAreCountedAndLoggedNeverSilent() throws Exception {
        try (KafkaBroker own = KafkaBroker.builder().start();
                CapturedStderr log = new CapturedStderr()) {
            String topic = Configs.topic("lost");
            own.createTopic(topic, 1);
            // records linger 2 s in the buffer: accepted while the broker is up, lost when it goes
            FakeKong.PluginConfig p = server.kong.plugin(
                    "kafka-upstream",
                    Configs.config(
                            own.bootstrap(Listener.PLAINTEXT),
                            topic,
                            "\"producer_request_timeout\":300,\"producer_request_retries_max_attempts\":1,"
                                    + "\"producer_async_flush_timeout\":2000,\"timeout\":300"));
            long failedBefore = pool.totals().failed();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, p.access(request(i)).exitStatus(), "accepted into the buffer");
            }
            own.stop();
            EventuallyAssert.within(
                    Duration.ofSeconds(15),
                    () -> assertEquals(failedBefore + 3, pool.totals().failed()));
            assertTrue(
                    log.text()
                            .contains("async delivery to topic " + topic + " failed: the Kafka brokers did not "
                                    + "acknowledge the message on topic " + topic + " in time"),
                    log.text());
            Exchange refused = p.access(request(4));
            assertEquals(502, refused.exitStatus(), "with no broker left, a new request is refused, not accepted");
        }
    }
}
