package dev.kongjava.testkit.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;

/** Builds the broker settings every in-JVM node shares: roles, quorum, listeners, small defaults. */
final class NodeConfig {
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private NodeConfig() {}

    /**
     * The settings of a combined broker+controller node for a cluster of {@code clusterSize} nodes.
     * Internal topics are replicated to every node but accept writes with one replica in sync, so a
     * fault test that stops a node does not also stop group coordination.
     */
    static Properties combinedNode(String voters, int clusterSize) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("controller.quorum.voters", voters);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty("inter.broker.listener.name", Listener.PLAINTEXT.name());
        String replicas = Integer.toString(clusterSize);
        p.setProperty("offsets.topic.replication.factor", replicas);
        p.setProperty("transaction.state.log.replication.factor", replicas);
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", replicas);
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.putAll(smallFootprint());
        return p;
    }

    /**
     * Settings that keep a test node small and quick. The defaults are sized for production: 50
     * partitions per internal topic (slow to create on first use) and a 128 MiB log-cleaner buffer
     * allocated on the heap per node.
     */
    private static Map<String, String> smallFootprint() {
        return Map.ofEntries(
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("share.coordinator.state.topic.num.partitions", "4"),
                Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024)),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "4"),
                Map.entry("background.threads", "4"),
                Map.entry("num.recovery.threads.per.data.dir", "1"),
                Map.entry("broker.heartbeat.interval.ms", "500"),
                Map.entry("broker.session.timeout.ms", "3000"));
    }

    /** The {@code controller.quorum.voters} value for nodes with the given controller ports. */
    static String voters(Map<Integer, PortReservation> controllerPorts) {
        StringJoiner voters = new StringJoiner(",");
        controllerPorts.forEach((id, port) -> voters.add(id + "@" + port.hostAndPort()));
        return voters.toString();
    }

    /**
     * Adds {@code listeners}, {@code advertised.listeners} and the protocol map for the given client
     * listeners plus the controller listener. A listener's name is the {@link Listener} constant, so
     * MTLS is its own listener with protocol SSL.
     */
    static void addListeners(Properties p, Map<Listener, PortReservation> ports, PortReservation controller) {
        StringJoiner advertised = new StringJoiner(",");
        StringJoiner protocols = new StringJoiner(",");
        ports.forEach((listener, port) -> {
            advertised.add(listener.name() + "://" + port.hostAndPort());
            protocols.add(listener.name() + ":" + listener.securityProtocol().name);
        });
        protocols.add(CONTROLLER_LISTENER + ":PLAINTEXT");
        String controllerListener = CONTROLLER_LISTENER + "://" + controller.hostAndPort();
        p.setProperty("listeners", advertised + "," + controllerListener);
        p.setProperty("advertised.listeners", advertised.toString());
        p.setProperty("listener.security.protocol.map", protocols.toString());
    }
}
