package dev.kongjava.pluginserver.pdk;

/** {@code kong.service.*}: where Kong proxies the request. */
public final class Service {
    private final Bridge bridge;

    Service(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.service.set_upstream}: an Upstream entity name; true when it exists. */
    public boolean setUpstream(String host) {
        return Values.bool(bridge.call("kong.service.set_upstream", host));
    }

    /** {@code kong.service.set_target}: a host and port, bypassing load balancing. */
    public void setTarget(String host, int port) {
        bridge.call("kong.service.set_target", host, port);
    }
}
