package dev.kongjava.pluginserver.pdk;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code kong.router.*}: the matched route and service entities. */
public final class Router {
    private final Bridge bridge;

    Router(Bridge bridge) {
        this.bridge = bridge;
    }

    /** {@code kong.router.get_route}: the Route entity as a map, or null. */
    public @Nullable Map<String, Object> getRoute() {
        return Values.map(bridge.call("kong.router.get_route"));
    }

    /** {@code kong.router.get_service}: the Service entity, or null on a service-less route. */
    public @Nullable Map<String, Object> getService() {
        return Values.map(bridge.call("kong.router.get_service"));
    }
}
