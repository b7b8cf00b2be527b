package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.config.ProducerSettings;
import dev.kongjava.kafkaupstream.record.BuildBudget;
import dev.kongjava.testkit.CannedRequest;
import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.kafka.BrokerProcess;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the plugin may hold, each bound reached on purpose: the producers it runs, the bytes an
 * async producer holds, the messages being built at once, a body over the producer's limit. Each
 * answer is immediate and names the bound; nothing waits for memory.
 */
class MemoryLimitsIT {
    private static final int MIB = 1024 * 1024;
    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        // a missing topic stays missing, so a send can be made to wait for its metadata
        broker = KafkaBroker.builder()
                .brokerProperty("auto.create.topics.enable", "false")
                .start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static String config(String topic, String extra) {
        return Configs.config(broker.bootstrap(Listener.PLAINTEXT), topic, extra);
    }

    private static CannedRequest body(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'b');
        return CannedRequest.post("/").header("Content-Type", "text/plain").body(body);
    }

    @Test
    void aConfigNeedingOneProducerMoreThanMaxProducersGets500NamingTheLimit() throws Exception {
        try (UpstreamServer server = UpstreamServer.start(Map.of("max-producers", "2"))) {
            String topic = Configs.topic("producers");
            broker.createTopic(topic, 1);
            for (int timeout : new int[] {3000, 3001}) { // distinct settings: a producer each
                assertEquals(
                        200,
                        server.kong
                                .plugin("kafka-upstream", config(topic, "\"producer_request_timeout\":" + timeout))
                                .access(body(10))
                                .exitStatus());
            }
            Exchange third = server.kong
                    .plugin("kafka-upstream", config(topic, "\"producer_request_timeout\":3002"))
                    .access(body(10));
            assertEquals(500, third.exitStatus());
            assertEquals(
                    "{\"message\":\"Internal Server Error\",\"error\":\"the plugin server already runs 2 Kafka "
                            + "producers, its limit (--max-producers); a config whose producer settings differ from theirs "
                            + "cannot get one\"}",
                    third.exitBodyText());
            assertEquals(
                    200,
                    server.kong
                            .plugin("kafka-upstream", config(topic, "\"producer_request_timeout\":3000"))
                            .access(body(10))
                            .exitStatus(),
                    "settings of a running producer still share it");
        }
    }

    @Test
    void asyncRecordsBeyondHalfTheProducersBufferGet503AtOnce() throws Exception {
        try (BrokerProcess own = BrokerProcess.start();
                UpstreamServer server = UpstreamServer.start()) {
            String topic = Configs.topic("buffer");
            own.createTopic(topic, 1);
            FakeKong.PluginConfig plugin =
                    server.kong.plugin("kafka-upstream", Configs.config(own.bootstrap(), topic, ""));
            assertEquals(200, plugin.access(body(10)).exitStatus(), "the producer knows the topic");
            own.pause(); // accepted records now stay unacknowledged
            long half = ProducerSettings.BUFFER_MEMORY / 2;
            int fits = (int) (half / MIB);
            for (int i = 0; i < fits; i++) {
                assertEquals(200, plugin.access(body(MIB - 1024)).exitStatus(), "record " + i);
            }
            Exchange over = plugin.access(body(MIB - 1024));
            assertEquals(503, over.exitStatus());
            assertEquals(
                    "{\"message\":\"Service Unavailable\",\"error\":\"the async buffer of " + half
                            + " bytes is full; try again later\"}",
                    over.exitBodyText());
        }
    }

    @Test
    void messagesBeingBuiltBeyondTheBuildBudgetGet503AtOnce() throws Exception {
        try (UpstreamServer server = UpstreamServer.start()) {
            // a topic that does not exist: each send waits up to producer_request_timeout for its
            // metadata, holding what its message reserved
            String missing =
                    config(Configs.topic("missing"), "\"producer_async\":false,\"producer_request_timeout\":5000");
            int perRequest = (int) BuildBudget.estimate(MIB - 1024, MIB);
            int requests = (int) (BuildBudget.DEFAULT_BYTES / perRequest) + 8;
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            List<String> busy = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(requests);
            for (int i = 0; i < requests; i++) {
                // a plugin config each: like Kong workers, they run concurrently (one shared producer)
                FakeKong.PluginConfig plugin = server.kong.plugin("kafka-upstream", missing);
                Thread.ofVirtual().start(() -> {
                    Exchange ex = plugin.access(body(MIB - 1024));
                    statuses.merge(ex.exitStatus(), 1, Integer::sum);
                    if (ex.exitStatus() == 503) {
                        synchronized (busy) {
                            busy.add(ex.exitBodyText());
                        }
                    }
                    done.countDown();
                });
            }
            assertTrue(done.await(60, java.util.concurrent.TimeUnit.SECONDS), "answered: " + statuses);
            assertTrue(statuses.getOrDefault(503, 0) >= 8, "at least the requests beyond the budget: " + statuses);
            assertEquals(
                    List.of("{\"message\":\"Service Unavailable\",\"error\":\"the plugin server holds too many "
                            + "requests right now; try again later\"}"),
                    busy.stream().distinct().toList());
            assertEquals(0, server.server.status().events(), "no request is left waiting");
        }
    }

    @Test
    void aBodyOverTheProducersLimitGets413BeforeAnythingIsBuilt() throws Exception {
        try (UpstreamServer server = UpstreamServer.start()) {
            String topic = Configs.topic("too-large");
            broker.createTopic(topic, 1);
            Exchange ex = server.kong
                    .plugin("kafka-upstream", config(topic, "\"producer_request_limits_bytes_per_request\":4096"))
                    .access(body(4097));
            assertEquals(413, ex.exitStatus());
            assertEquals(
                    "{\"message\":\"Payload Too Large\",\"error\":\"the request body of 4097 bytes is larger than "
                            + "producer_request_limits_bytes_per_request (4096 bytes)\"}",
                    ex.exitBodyText());
            assertEquals(0, broker.countRecords(topic));
        }
    }
}
