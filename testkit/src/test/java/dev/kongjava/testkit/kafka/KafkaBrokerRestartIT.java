package dev.kongjava.testkit.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outages of a plain broker: stop, restart on the same ports, data kept; and data directories. */
class KafkaBrokerRestartIT {
    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        long started = System.nanoTime();
        broker = KafkaBroker.builder().start();
        System.out.printf("plain broker started in %d ms%n", millisSince(started));
    }

    @AfterAll
    static void closeBroker() {
        broker.close();
    }

    @AfterEach
    void leaveBrokerRunning() {
        if (!broker.isRunning()) {
            broker.restart();
        }
    }

    @Test
    void sendToAStoppedBrokerFailsWithTimeoutExceptionWithinTheDeliveryTimeout() throws Exception {
        broker.createTopic("outage", 1);
        try (TestProducer producer =
                new TestProducer(broker.clientProperties(Listener.PLAINTEXT), Duration.ofSeconds(2))) {
            producer.send("outage", "k", "before");
            broker.stop();

            long sending = System.nanoTime();
            Exception failure = producer.sendFailure("outage", "during");

            assertInstanceOf(TimeoutException.class, failure);
            long elapsed = millisSince(sending);
            assertTrue(elapsed < 5_000, "send failed only after " + elapsed + " ms");
        }
    }

    @Test
    void stoppedBrokerRefusesConnectionsOnItsReservedPort() {
        broker.stop();

        assertFalse(broker.isRunning());
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", broker.port(Listener.PLAINTEXT)), 1_000);
            }
        });
    }

    @Test
    void restartedBrokerKeepsPortsClusterIdAndEarlierRecordsAndAcceptsNewSends() throws Exception {
        broker.createTopic("restart", 3);
        int port = broker.port(Listener.PLAINTEXT);
        String clusterId = broker.clusterId();
        try (TestProducer producer = new TestProducer(broker.clientProperties(Listener.PLAINTEXT))) {
            producer.send("restart", "k", "before");

            long stopping = System.nanoTime();
            broker.stop();
            long restarting = System.nanoTime();
            broker.restart();
            System.out.printf(
                    "stop took %d ms, restart took %d ms%n",
                    Duration.ofNanos(restarting - stopping).toMillis(), millisSince(restarting));

            producer.send("restart", "k", "after");
        }

        assertEquals(port, broker.port(Listener.PLAINTEXT));
        assertEquals(clusterId, broker.clusterId());
        assertEquals(
                List.of("before", "after"),
                TestRecords.values(broker.readRecords("restart", 2, Duration.ofSeconds(10))));
    }

    @Test
    void chosenDataDirSurvivesCloseAndIsReusedWithItsClusterIdAndRecords(@TempDir Path dir) throws Exception {
        String clusterId;
        try (KafkaBroker first = KafkaBroker.builder().dataDir(dir).start()) {
            first.createTopic("kept", 1);
            TestProducer.sendOnce(first.clientProperties(Listener.PLAINTEXT), "kept", "survivor");
            clusterId = first.clusterId();
        }

        try (KafkaBroker second = KafkaBroker.builder().dataDir(dir).start()) {
            assertEquals(clusterId, second.clusterId());
            assertEquals(
                    List.of("survivor"), TestRecords.values(second.readRecords("kept", 1, Duration.ofSeconds(10))));
        }
    }

    @Test
    void closeDeletesTheTemporaryDataDir() {
        Path dataDir;
        try (KafkaBroker temporary = KafkaBroker.builder().start()) {
            dataDir = temporary.dataDir();
            assertTrue(Files.isDirectory(dataDir));
        }

        assertFalse(Files.exists(dataDir));
    }

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
