package dev.kongjava.kafkaupstream;

import static dev.kongjava.kafkaupstream.RegistryConfigs.ORDER_AVRO;
import static dev.kongjava.kafkaupstream.RegistryConfigs.assertRefused;
import static dev.kongjava.kafkaupstream.RegistryConfigs.bodyWith;
import static dev.kongjava.kafkaupstream.RegistryConfigs.json;
import static dev.kongjava.kafkaupstream.RegistryConfigs.valueSchema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.testkit.Exchange;
import dev.kongjava.testkit.FakeKong;
import dev.kongjava.testkit.registry.ConfluentDecoder;
import dev.kongjava.testkit.registry.SchemaType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * schema_registry when the registry is not there: down or silent before a schema is held (a clear
 * 502, bounded in time, one call for many requests), and gone after a schema is held (every
 * request keeps it). A real registry, behind a relay the test can cut, and a real broker.
 */
class RegistryOutageIT extends RegistryRig.PerClass {
    @Test
    void aRegistryThatIsDownBeforeASchemaIsHeldGets502NamingItAndNothingIsSent() throws Exception {
        String url = "http://127.0.0.1:" + closedPort();
        String topic = rig.topic();

        Exchange ex = rig.plugin(topic, bodyWith(valueSchema(url, subject))).access(json("{\"id\":1,\"item\":\"x\"}"));

        assertRefused(502, "Bad Gateway", "the schema registry at " + url + " is unreachable (ConnectException)", ex);
        assertEquals(0, rig.broker.countRecords(topic));
    }

    /**
     * StartInstance never calls the registry; requests that arrive together while none is held wait
     * for one fetch, which ends after the 10 s bound of a registry call; the next request within the
     * retry interval is answered from memory.
     */
    @Test
    void aRegistryThatNeverAnswersGetsOneCallForConcurrentRequestsEach502AfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept()); // held open, never answered
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            String config = rig.config(rig.topic(), bodyWith(valueSchema(url, subject)));
            int instance = rig.server.kong.startInstance("kafka-upstream", config);
            assertEquals(0, accepted.size(), "StartInstance did not call the registry");

            long start = System.nanoTime();
            List<CompletableFuture<Exchange>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(CompletableFuture.supplyAsync(
                        () -> rig.server.kong.event(instance, "access", json("{}")), requests));
            }
            String error = "the schema registry at " + url + " did not answer within 10000 ms";
            for (CompletableFuture<Exchange> answer : answers) {
                assertRefused(502, "Bad Gateway", error, answer.get(60, TimeUnit.SECONDS));
            }
            // at least the registry call's bound; less than the event timeout, after which Kong's 500 would answer
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(
                    waited.compareTo(Duration.ofSeconds(10)) >= 0 && waited.compareTo(Duration.ofSeconds(30)) < 0,
                    "answered after " + waited);
            assertEquals(1, accepted.size(), "one call for the four requests");
            long again = System.nanoTime();
            assertRefused(502, "Bad Gateway", error, rig.server.kong.event(instance, "access", json("{}")));
            assertTrue(
                    Duration.ofNanos(System.nanoTime() - again).compareTo(Duration.ofSeconds(5)) < 0,
                    "answered from memory, not after another timeout");
            assertEquals(1, accepted.size());
            accepted.forEach(RegistryOutageIT::closeQuietly);
        }
    }

    /**
     * Held means held: after the first fetch, requests never reach the registry (its access log
     * shows one call; without a TTL, so no refresh can be due however slow the machine); while it is
     * down they keep the schema, also past the TTL, and the background refresh tries at most once per
     * retry interval; once it is back, {@code latest} moves on.
     */
    @Test
    void aHeldSchemaServesEveryRequestWithoutTheRegistryThroughAnOutageAndLatestMovesOnAfterIt() throws Exception {
        int v1 = rig.registry.register(subject, SchemaType.AVRO, ORDER_AVRO);
        String topic = rig.topic();
        int port = URI.create(rig.registry.url()).getPort();
        try (TcpRelay relay = new TcpRelay(port)) {
            String url = rig.registry.confluentUrl().replace(":" + port + "/", ":" + relay.port() + "/");
            String order = "{\"id\":1,\"item\":\"pen\"}";
            FakeKong.PluginConfig forever = rig.plugin(topic, bodyWith(valueSchema(url, subject)));
            for (int i = 0; i < 20; i++) {
                assertEquals(200, forever.access(json(order)).exitStatus());
            }
            assertEquals(1, registryCallsFor(subject), "one fetch for 20 requests");

            FakeKong.PluginConfig p =
                    rig.plugin(topic, bodyWith(valueSchema(url, subject).replace("\"url\"", "\"ttl\":1,\"url\"")));
            assertEquals(200, p.access(json(order)).exitStatus(), "an instance with a TTL holds the schema too");

            relay.cut();
            long outageStart = System.nanoTime();
            int sent = 0;
            while (System.nanoTime() - outageStart < Duration.ofMillis(3500).toNanos()) {
                assertEquals(200, p.access(json(order)).exitStatus(), "the held schema serves during the outage");
                sent++;
            }
            long outageSeconds =
                    Duration.ofNanos(System.nanoTime() - outageStart).toSeconds() + 1;
            // one refresh per interval of 1 s, each at most two connections: the JDK's client tries a
            // GET again on a new connection when its pooled one was closed
            int attempts = relay.refusedConnections();
            assertTrue(
                    attempts >= 1 && attempts <= 2 * (outageSeconds + 1),
                    attempts + " registry connections in " + outageSeconds + " s for " + sent + " requests");

            int v2 = rig.registry.register(
                    subject,
                    SchemaType.AVRO,
                    ORDER_AVRO.replace("]}", ",{\"name\":\"gift\",\"type\":\"boolean\",\"default\":false}]}"));
            relay.restore();
            EventuallyAssert.within(Duration.ofSeconds(15), () -> {
                assertEquals(200, p.access(json(order)).exitStatus());
                List<ConsumerRecord<byte[], byte[]>> all =
                        rig.broker.readRecords(topic, (int) rig.broker.countRecords(topic), Duration.ofSeconds(10));
                assertEquals(v2, ConfluentDecoder.schemaId(all.getLast().value()), "latest is version 2 now");
            });
            List<ConsumerRecord<byte[], byte[]>> all =
                    rig.broker.readRecords(topic, (int) rig.broker.countRecords(topic), Duration.ofSeconds(10));
            assertEquals(v1, ConfluentDecoder.schemaId(all.getFirst().value()));
            assertEquals(
                    "{\"id\": 1, \"item\": \"pen\", \"note\": null, \"quantity\": 1, \"gift\": false}",
                    rig.registry.decoder().avro(all.getLast().value()).toString());
        }
    }

    /** Registry calls for a subject so far, from its access log. */
    private static long registryCallsFor(String subject) {
        return rig.registry
                .log()
                .lines()
                .filter(l -> l.contains("/subjects/" + subject + "/versions/"))
                .count();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // only frees the socket
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
