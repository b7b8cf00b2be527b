package dev.kongjava.pluginserver.pdk;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code kong.node.*}: facts about the Kong node. */
public final class Node {
    private final Bridge bridge;

    Node(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.node.get_id}: the node UUID. */
    public @Nullable String getId() {
        return Values.text(bridge.call("kong.node.get_id"));
    }

    /** {@code kong.node.get_hostname}. */
    public @Nullable String getHostname() {
        return Values.text(bridge.call("kong.node.get_hostname"));
    }

    /** {@code kong.node.get_memory_stats}: Lua VM and shared dict usage. */
    public @Nullable Map<String, Object> getMemoryStats() {
        return Values.map(bridge.call("kong.node.get_memory_stats"));
    }
}
