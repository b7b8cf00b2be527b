package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.pluginserver.server.LocalInstance;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The warm-up of an instance's producer after StartInstance, against producers whose metadata the
 * test holds back: StartInstance does not wait for it, a request waits for it (at most its bound),
 * and CloseInstance during it releases the producer exactly once.
 */
class WarmUpIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Scheduling slack on a loaded machine on top of a bound the configuration gives. */
    private static final long MARGIN_MS = 5_000;

    /** A MockProducer whose metadata for {@code slowTopic} comes only when the test releases it. */
    private static final class HeldMetadata extends MockProducer<byte[], byte[]> {
        final String slowTopic;
        final long maxBlockMs;
        final CountDownLatch asked = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final AtomicInteger closes = new AtomicInteger();

        HeldMetadata(String slowTopic, long maxBlockMs) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.slowTopic = slowTopic;
            this.maxBlockMs = maxBlockMs;
        }

        /** Not synchronized, unlike MockProducer's methods: sends and closes go on while it blocks. */
        @Override
        public List<PartitionInfo> partitionsFor(String topic) {
            if (topic.equals(slowTopic)) {
                asked.countDown();
                try {
                    if (!released.await(maxBlockMs, TimeUnit.MILLISECONDS)) {
                        throw new TimeoutException(
                                "Topic " + topic + " not present in metadata after " + maxBlockMs + " ms.");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of();
        }

        @Override
        public void close(Duration timeout) {
            closes.incrementAndGet();
            super.close(timeout);
        }
    }

    /** A server whose producers hold back the metadata of {@code slowTopic}; producers by client id. */
    private static final class Held implements AutoCloseable {
        final Map<String, HeldMetadata> producers = new ConcurrentHashMap<>();
        final ProducerPool pool;
        final UpstreamServer server;

        Held(String slowTopic) throws Exception {
            pool = new ProducerPool(settings -> producers.computeIfAbsent(
                    (String) settings.get(ProducerConfig.CLIENT_ID_CONFIG),
                    id -> new HeldMetadata(
                            slowTopic, ((Number) settings.get(ProducerConfig.MAX_BLOCK_MS_CONFIG)).longValue())));
            server = UpstreamServer.start(Map.of(), KafkaUpstreamPlugin.define(pool));
        }

        /** The one producer; the warm-up creates it on its own thread after StartInstance answered. */
        HeldMetadata only() throws InterruptedException {
            EventuallyAssert.within(
                    WAIT,
                    () -> assertEquals(1, producers.size(), producers.keySet().toString()));
            return producers.values().iterator().next();
        }

        @Override
        public void close() throws Exception {
            producers.values().forEach(p -> p.released.countDown());
            server.close();
        }
    }

    private static String config(String topic, String extra) {
        return Configs.config("127.0.0.1:9", topic, extra);
    }

    private static Exchange send(Held held, int instance) {
        return held.server.kong.event(
                instance,
                "access",
                CannedRequest.post("/").header("Content-Type", "text/plain").body("warm"));
    }

    @Test
    void aRequestWaitsForTheWarmUpsMetadataAtMostTimeoutPlusRequestTimeoutThenIsHandledAsBefore() throws Exception {
        int timeout = 700;
        int requestTimeout = 300;
        try (Held held = new Held("slow")) {
            long start = System.nanoTime(); // the server runs in this JVM: its own clock
            int instance = held.server.kong.startInstance(
                    "kafka-upstream",
                    config("slow", "\"timeout\":" + timeout + ",\"producer_request_timeout\":" + requestTimeout));
            Exchange ex = send(held, instance);
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals("200 {\"message\":\"message sent\"}", ex.exitStatus() + " " + ex.exitBodyText());
            assertEquals(1, held.only().history().size(), "sent once the wait was over");
            long bound = (long) timeout + requestTimeout;
            assertTrue(
                    millis >= bound && millis <= bound + MARGIN_MS,
                    "answered after " + millis
                            + " ms; the metadata never came, so the request waits for it " + bound + " ms (+ "
                            + MARGIN_MS
                            + " ms for a loaded machine) from when the producer existed, and no longer");
        }
    }

    @Test
    void startInstanceDoesNotWaitForTheWarmUpWhichAsksForTheMetadataOfEveryTopicARequestMayName() throws Exception {
        try (Held held = new Held("billing")) {
            held.server.kong.replyTimeout(WAIT);
            // held back for 60 s (max.block.ms), longer than this peer waits for any reply
            int instance = held.server.kong.startInstance(
                    "kafka-upstream",
                    config(
                            "orders",
                            "\"producer_request_timeout\":60000,"
                                    + "\"topics_query_arg\":\"topics\",\"allowed_topics\":[\"audit\",\"billing\"]"));
            // the warm-up got to the last topic and waits there, while StartInstance has answered
            assertTrue(held.only().asked.await(WAIT.toSeconds(), TimeUnit.SECONDS), "metadata asked for billing");
            assertEquals(1, held.only().released.getCount(), "still held back");
            assertEquals(200, send(held, instance).exitStatus(), "requests wait only for the first topic");
        }
    }

    @Test
    void closingAnInstanceDuringItsWarmUpReleasesTheSharedProducerExactlyOnce() throws Exception {
        try (Held held = new Held("slow")) {
            // two instances share one producer by cluster_name; the second one's warm-up waits for metadata
            AutoCloseable serving = handler(held, config("fast", "\"cluster_name\":\"c\""));
            EventuallyAssert.within(WAIT, () -> assertEquals(1, held.pool.size(), "acquired by its warm-up"));
            AutoCloseable warming = handler(held, config("slow", "\"cluster_name\":\"c\""));
            HeldMetadata producer = held.only();
            assertTrue(producer.asked.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the warm-up asked for the metadata");

            warming.close(); // what CloseInstance does
            assertEquals(1, held.pool.size(), "the other instance still holds the producer");
            assertEquals(0, producer.closes.get());

            serving.close();
            assertEquals(0, held.pool.size());
            assertEquals(1, producer.closes.get(), "closed once, by its last instance");
        }
    }

    /** What StartInstance does: the factory makes the handler (and starts its warm-up). */
    private static AutoCloseable handler(Held held, String config) throws Exception {
        return LocalInstance.start(KafkaUpstreamPlugin.define(held.pool), config, KongWrites.resources(held.pool));
    }
}
