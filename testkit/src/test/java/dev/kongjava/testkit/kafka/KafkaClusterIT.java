package dev.kongjava.testkit.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A three-node cluster for leader failover under acks=all. */
class KafkaClusterIT {
    private static KafkaCluster cluster;

    @BeforeAll
    static void startCluster() {
        long started = System.nanoTime();
        cluster = KafkaCluster.builder().nodes(3).start();
        System.out.printf("3-node cluster started in %d ms%n", millisSince(started));
    }

    @AfterAll
    static void closeCluster() {
        long closing = System.nanoTime();
        cluster.close();
        System.out.printf("3-node cluster closed in %d ms%n", millisSince(closing));
    }

    @Test
    void bootstrapListsEveryNode() {
        assertEquals(List.of(1, 2, 3), cluster.nodeIds());
        assertEquals(
                String.join(",", cluster.bootstrap(1), cluster.bootstrap(2), cluster.bootstrap(3)),
                cluster.bootstrap());
    }

    @Test
    void stoppingThePartitionLeaderElectsAnotherAndAcksAllSendsStillSucceed() throws Exception {
        cluster.createTopic("failover", 1, 3, 2);
        List<String> written = new ArrayList<>();
        try (TestProducer producer = new TestProducer(cluster.clientProperties())) {
            send(producer, written, "before-1", "before-2");
            int leader = cluster.leaderOf("failover", 0);

            long stopping = System.nanoTime();
            cluster.stopNode(leader);
            System.out.printf("stopping leader node %d took %d ms%n", leader, millisSince(stopping));
            int newLeader = cluster.awaitNewLeader("failover", 0, leader);

            assertFalse(cluster.isRunning(leader));
            assertNotEquals(leader, newLeader);
            send(producer, written, "during-1", "during-2");

            long restarting = System.nanoTime();
            cluster.restartNode(leader);
            System.out.printf("restarting node %d took %d ms%n", leader, millisSince(restarting));
            assertTrue(cluster.isRunning(leader));
            send(producer, written, "after-1");
        }

        assertEquals(
                written, TestRecords.values(cluster.readRecords("failover", written.size(), Duration.ofSeconds(10))));
        assertEquals(written.size(), cluster.countRecords("failover"));
    }

    private static void send(TestProducer producer, List<String> written, String... values) throws Exception {
        for (String value : values) {
            producer.send("failover", "key", value);
            written.add(value);
        }
    }

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
