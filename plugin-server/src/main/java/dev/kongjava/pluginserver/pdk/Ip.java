package dev.kongjava.pluginserver.pdk;

/** {@code kong.ip.*}: Kong's trusted-IP configuration. */
public final class Ip {
    private final Bridge bridge;

    Ip(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.ip.is_trusted}: whether {@code address} is in Kong's {@code trusted_ips}. */
    public boolean isTrusted(String address) {
        return Values.bool(bridge.call("kong.ip.is_trusted", address));
    }
}
