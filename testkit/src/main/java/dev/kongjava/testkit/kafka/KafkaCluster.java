package dev.kongjava.testkit.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Uuid;

/**
 * Several combined-mode KRaft nodes in this JVM forming one cluster, PLAINTEXT only, for fault
 * tests such as stopping a partition leader under {@code acks=all} load.
 *
 * <pre>{@code
 * try (KafkaCluster cluster = KafkaCluster.builder().nodes(3).start()) {
 *   cluster.createTopic("orders", 1, 3, 2);
 *   int leader = cluster.leaderOf("orders", 0);
 *   cluster.stopNode(leader);
 *   int newLeader = cluster.awaitNewLeader("orders", 0, leader);
 * }
 * }</pre>
 *
 * <p>Node ids are 1 to N. Every node is a controller voter, so a majority must stay up.
 */
public final class KafkaCluster implements AutoCloseable {
    private final Map<Integer, PortReservation> clientPorts = new LinkedHashMap<>();
    private final Map<Integer, PortReservation> controllerPorts = new LinkedHashMap<>();
    private final Map<Integer, KafkaNode> nodes = new LinkedHashMap<>();
    private final NodeData data;
    private final TopicTool topics;

    private KafkaCluster(Builder builder) {
        QuietLogging.apply();
        for (int id = 1; id <= builder.nodeCount; id++) {
            clientPorts.put(id, PortReservation.anyFreePort());
            controllerPorts.put(id, PortReservation.anyFreePort());
        }
        data = NodeData.of(builder.dataDir, "kafka-cluster-");
        String voters = NodeConfig.voters(controllerPorts);
        for (int id = 1; id <= builder.nodeCount; id++) {
            Properties config = NodeConfig.combinedNode(voters, builder.nodeCount);
            // A stopped node goes down like a crash: it does not hand its partitions over first, and the
            // controller fences it after broker.session.timeout.ms. A controlled shutdown would also
            // wait up to five minutes for a controller majority that is gone when the cluster closes.
            config.setProperty("controlled.shutdown.enable", "false");
            NodeConfig.addListeners(config, Map.of(Listener.PLAINTEXT, clientPorts.get(id)), controllerPorts.get(id));
            config.putAll(builder.brokerProperties);
            nodes.put(id, new KafkaNode(id, data.root(), config));
        }
        topics = new TopicTool(bootstrap());
    }

    /**
     * Starts describing a cluster; {@link Builder#start()} starts it.
     *
     * @return a builder for three nodes
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the bootstrap servers of all nodes.
     *
     * @return {@code 127.0.0.1:<port>} of every node, comma-separated
     */
    public String bootstrap() {
        StringJoiner all = new StringJoiner(",");
        clientPorts.values().forEach(port -> all.add(port.hostAndPort()));
        return all.toString();
    }

    /**
     * Returns the PLAINTEXT address of one node.
     *
     * @param nodeId a node id from 1 to N
     * @return {@code 127.0.0.1:<port>}
     */
    public String bootstrap(int nodeId) {
        return clientPort(nodeId).hostAndPort();
    }

    /**
     * Returns the node ids.
     *
     * @return 1 to N in order
     */
    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    /**
     * Returns client settings for the cluster: {@code bootstrap.servers} with every node.
     *
     * @return a new mutable map; add serializers and other client settings to it
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", bootstrap());
        return settings;
    }

    /**
     * Creates a topic and waits until every partition has a leader and a full ISR.
     *
     * @param name the topic name
     * @param partitions the number of partitions
     * @param replicationFactor replicas per partition, at most the number of nodes
     */
    public void createTopic(String name, int partitions, int replicationFactor) {
        topics.createTopic(name, partitions, replicationFactor, Map.of());
    }

    /**
     * Creates a topic with a {@code min.insync.replicas} setting and waits until it is ready.
     *
     * @param name the topic name
     * @param partitions the number of partitions
     * @param replicationFactor replicas per partition, at most the number of nodes
     * @param minInsyncReplicas in-sync replicas an {@code acks=all} write needs
     */
    public void createTopic(String name, int partitions, int replicationFactor, int minInsyncReplicas) {
        topics.createTopic(
                name,
                partitions,
                replicationFactor,
                Map.of("min.insync.replicas", Integer.toString(minInsyncReplicas)));
    }

    /**
     * Returns the current leader of a partition, as the cluster's metadata says.
     *
     * @param topic the topic
     * @param partition the partition number
     * @return the leader's node id, or -1 while the partition has no leader
     */
    public int leaderOf(String topic, int partition) {
        return topics.leaderOf(topic, partition);
    }

    /**
     * Waits until a partition is led by a node other than {@code formerLeader}.
     *
     * @param topic the topic
     * @param partition the partition number
     * @param formerLeader the node id that must no longer lead
     * @return the new leader's node id
     */
    public int awaitNewLeader(String topic, int partition, int formerLeader) {
        return topics.awaitNewLeader(topic, partition, formerLeader);
    }

    /**
     * Reads a topic from the beginning of all partitions.
     *
     * @param topic the topic to read
     * @param expectedCount how many records to wait for
     * @param timeout how long to wait for them
     * @return every record read, at least {@code expectedCount}, ordered per partition
     * @throws AssertionError if fewer arrive in time; the message says how many did
     */
    public List<ConsumerRecord<byte[], byte[]>> readRecords(String topic, int expectedCount, Duration timeout) {
        return topics.readRecords(topic, expectedCount, timeout);
    }

    /**
     * Counts a topic's records from its offsets, without reading them.
     *
     * @param topic the topic
     * @return the sum over partitions of end offset minus start offset
     */
    public long countRecords(String topic) {
        return topics.countRecords(topic);
    }

    /**
     * Stops one node like a crash: no controlled shutdown, so its partitions keep it as leader until
     * the controller fences it (about 3 s, {@code broker.session.timeout.ms}) and elects new leaders.
     * Its ports stay reserved and its data is kept.
     *
     * @param nodeId a node id from 1 to N
     */
    public void stopNode(int nodeId) {
        node(nodeId).stop();
    }

    /**
     * Starts a stopped node again on the same ports and data; returns once it serves requests, which
     * takes about 3 s because the controller accepts the node again only after its old session ends.
     *
     * @param nodeId a node id from 1 to N
     */
    public void restartNode(int nodeId) {
        node(nodeId).start();
    }

    /**
     * Tells whether a node is running.
     *
     * @param nodeId a node id from 1 to N
     * @return true between start or restart and stop or close
     */
    public boolean isRunning(int nodeId) {
        return node(nodeId).running();
    }

    /**
     * Shuts all nodes down together (about 5 s: the last quorum leader waits for a successor),
     * releases their ports and deletes temporary data.
     */
    @Override
    public void close() {
        try {
            topics.close();
            // In parallel, since the last raft leader always waits 5 s for a successor that never
            // comes; one after another, the others would wait for a majority too.
            KafkaNode.inParallel(nodes.values(), "stop", KafkaNode::stop);
        } finally {
            clientPorts.values().forEach(PortReservation::close);
            controllerPorts.values().forEach(PortReservation::close);
            data.close();
        }
    }

    private void start() {
        try {
            String clusterId = Uuid.randomUuid().toString();
            for (KafkaNode node : nodes.values()) {
                node.formatIfNeeded(clusterId, List.of());
            }
            // In parallel: each node's startup blocks until a controller majority is up.
            KafkaNode.inParallel(nodes.values(), "start", KafkaNode::start);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private KafkaNode node(int nodeId) {
        KafkaNode node = nodes.get(nodeId);
        if (node == null) {
            throw new IllegalArgumentException(
                    "No Kafka node " + nodeId + " in this cluster; node ids are " + nodes.keySet());
        }
        return node;
    }

    private PortReservation clientPort(int nodeId) {
        node(nodeId);
        return clientPorts.get(nodeId);
    }

    /** Describes a cluster to start: node count, data directory and extra broker settings. */
    public static final class Builder {
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private int nodeCount = 3;
        private Path dataDir;

        private Builder() {}

        /**
         * Sets the number of nodes, each both broker and controller voter.
         *
         * @param count 1 or more; 3 tolerates one stopped node
         * @return this builder
         */
        public Builder nodes(int count) {
            if (count < 1) {
                throw new IllegalArgumentException(
                        "Invalid node count " + count + " for KafkaCluster: must be at least 1");
            }
            this.nodeCount = count;
            return this;
        }

        /**
         * Keeps the nodes' data in {@code dir} instead of a temporary directory, not deleted on close.
         *
         * @param dir the data directory, created if missing
         * @return this builder
         */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /**
         * Sets a broker setting on every node, applied over the harness's own settings.
         *
         * @param key a Kafka broker setting
         * @param value its value
         * @return this builder
         */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Formats every node, starts them together and waits until all serve requests.
         *
         * @return the running cluster; close it to shut it down
         */
        public KafkaCluster start() {
            KafkaCluster cluster = new KafkaCluster(this);
            cluster.start();
            return cluster;
        }
    }
}
