package dev.kongjava.pluginserver.pdk;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code kong.client.*}: who sent the request and as which consumer. */
public final class Client {
    private final Bridge bridge;

    Client(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.client.get_ip}: the peer address (not X-Forwarded-For). */
    public @Nullable String getIp() {
        return Values.text(bridge.call("kong.client.get_ip"));
    }

    /** {@code kong.client.get_forwarded_ip}: honours forwarding headers from trusted IPs. */
    public @Nullable String getForwardedIp() {
        return Values.text(bridge.call("kong.client.get_forwarded_ip"));
    }

    /** {@code kong.client.get_port}. */
    public @Nullable Long getPort() {
        return Values.integer(bridge.call("kong.client.get_port"));
    }

    /** {@code kong.client.get_forwarded_port}. */
    public @Nullable Long getForwardedPort() {
        return Values.integer(bridge.call("kong.client.get_forwarded_port"));
    }

    /** {@code kong.client.get_credential}: the authenticated credential entity, or null. */
    public @Nullable Map<String, Object> getCredential() {
        return Values.map(bridge.call("kong.client.get_credential"));
    }

    /** {@code kong.client.get_consumer}: the authenticated consumer entity, or null. */
    public @Nullable Map<String, Object> getConsumer() {
        return Values.map(bridge.call("kong.client.get_consumer"));
    }

    /** {@code kong.client.load_consumer}: by id, or by username when {@code byUsername}. */
    public @Nullable Map<String, Object> loadConsumer(String idOrUsername, boolean byUsername) {
        return Values.map(bridge.call("kong.client.load_consumer", idOrUsername, byUsername));
    }

    /** {@code kong.client.authenticate}: sets the consumer and credential of the request. */
    public void authenticate(Map<String, ?> consumer, Map<String, ?> credential) {
        bridge.call("kong.client.authenticate", consumer, credential);
    }

    /** {@code kong.client.get_protocol}: "http", "https", "grpc", …. */
    public @Nullable String getProtocol(boolean allowTerminated) {
        return Values.text(bridge.call("kong.client.get_protocol", allowTerminated));
    }
}
