package dev.kongjava.kafkaupstream;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.kafkaupstream.produce.ProducerPool;
import dev.kongjava.testkit.kafka.KafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Three brokers, a topic with replication factor 3 and min.insync.replicas 2, acks=-1: the
 * partition leader crashes under sync load, and every request answered 200 is in the topic.
 */
class LeaderFailoverFaultIT {
    @Test
    void everyRequestAcknowledgedWithAcksAllSurvivesTheCrashOfThePartitionLeader() throws Exception {
        try (KafkaCluster cluster = KafkaCluster.builder().nodes(3).start()) {
            String topic = Configs.topic("failover");
            cluster.createTopic(topic, 1, 3, 2);
            ProducerPool pool = new ProducerPool();
            try (UpstreamServer server = UpstreamServer.start(Map.of(), KafkaUpstreamPlugin.define(pool))) {
                RequestLoad load = RequestLoad.start(server.kong, config(cluster, topic), 8, Duration.ofMillis(2));
                BrokerOutageFaultIT.awaitMore(() -> load.idsWithStatus(200).size(), 200, "200s before the crash");
                int leader = cluster.leaderOf(topic, 0);
                cluster.stopNode(leader);
                int newLeader = cluster.awaitNewLeader(topic, 0, leader);
                int atElection = load.idsWithStatus(200).size();
                BrokerOutageFaultIT.awaitMore(
                        () -> load.idsWithStatus(200).size() - atElection,
                        200,
                        "200s after node " + newLeader + " took over");
                load.stop();

                assertNotEquals(leader, newLeader);
                Set<String> acknowledged = load.idsWithStatus(200);
                List<String> inTopic = RequestLoad.ids(
                        cluster.readRecords(topic, (int) cluster.countRecords(topic), Duration.ofSeconds(30)));
                RequestLoad.assertAllInTopicOnce(
                        acknowledged,
                        inTopic,
                        "acknowledged with acks=all but not in the topic",
                        "duplicates in the topic");
                Map<String, Integer> outcomes = load.outcomes();
                assertTrue(
                        outcomes.keySet().stream().allMatch(o -> o.startsWith("200 ") || o.startsWith("502 ")),
                        "outcomes " + outcomes);
                System.out.printf(
                        "leader %d crashed, %d took over: %s, %d records in the topic%n",
                        leader, newLeader, outcomes, inTopic.size());
            }
        }
    }

    /** Sync, acks=-1, all three brokers to bootstrap from, and retries that outlast a leader election. */
    private static String config(KafkaCluster cluster, String topic) {
        StringJoiner servers = new StringJoiner(",", "[", "]");
        for (int node : cluster.nodeIds()) {
            String hostPort = cluster.bootstrap(node);
            int colon = hostPort.lastIndexOf(':');
            servers.add("{\"host\":\"" + hostPort.substring(0, colon) + "\",\"port\":" + hostPort.substring(colon + 1)
                    + "}");
        }
        return "{\"bootstrap_servers\":" + servers + ",\"topic\":\"" + topic + "\",\"producer_async\":false,"
                + "\"producer_request_acks\":-1,\"producer_request_timeout\":1000,"
                + "\"producer_request_retries_max_attempts\":10,\"timeout\":1000}";
    }
}
