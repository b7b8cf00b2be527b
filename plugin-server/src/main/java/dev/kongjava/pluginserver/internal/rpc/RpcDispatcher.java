package dev.kongjava.pluginserver.internal.rpc;

import dev.kongjava.pluginserver.internal.Protocol;
import dev.kongjava.pluginserver.internal.event.EventRegistry;
import dev.kongjava.pluginserver.internal.event.Reply;
import dev.kongjava.pluginserver.internal.instance.InstanceRegistry;
import dev.kongjava.pluginserver.internal.instance.Phases;
import dev.kongjava.pluginserver.internal.instance.PluginInstance;
import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.RateLimitedLog;
import dev.kongjava.pluginserver.schema.ConfigException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps each {@code plugin.*} method to its handler. Instance methods answer at once; HandleEvent and
 * the Step family hand the reply to the event engine, which answers when the plugin has something to
 * say. Every path answers exactly once, with an error naming what was wrong.
 */
public final class RpcDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(RpcDispatcher.class);
    /** Refusals at a limit repeat per request: one line per interval. */
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    private final Map<String, PluginDefinition<?>> plugins;
    private final InstanceRegistry instances;
    private final EventRegistry events;
    private final Function<String, Map<String, Object>> pluginInfo;
    private final Supplier<Map<String, Object>> status;
    private volatile boolean refusingInstances;

    public RpcDispatcher(
            Map<String, PluginDefinition<?>> plugins,
            InstanceRegistry instances,
            EventRegistry events,
            Function<String, Map<String, Object>> pluginInfo,
            Supplier<Map<String, Object>> status) {
        this.plugins = plugins;
        this.instances = instances;
        this.events = events;
        this.pluginInfo = pluginInfo;
        this.status = status;
    }

    /** From now on StartInstance fails: the server is shutting down. */
    public void refuseNewInstances() {
        refusingInstances = true;
    }

    /**
     * A request whose data could not be kept while it was read (over a size limit or the in-flight
     * budget): a Step passes the refusal to its event, so the plugin decides the answer (e.g. 503
     * for {@code busy}); any other request is answered with the reason.
     */
    void refuse(String method, List<?> params, String reason, boolean busy, Reply reply) {
        Object first = params.isEmpty() ? null : params.get(0);
        if (Protocol.isStep(method)
                && first instanceof Map<?, ?> map
                && map.get(Protocol.KEY_EVENT_ID) instanceof Long eventId) {
            events.refuse(eventId, reason, busy, reply);
        } else {
            reply.error(reason);
        }
    }

    void dispatch(String method, List<?> params, Reply reply) {
        try {
            @Nullable Object first = params.isEmpty() ? null : params.get(0);
            switch (method) {
                case Protocol.START_INSTANCE -> startInstance(map(method, first), reply);
                case Protocol.CLOSE_INSTANCE -> closeInstance(id(method, first, "instance id"), reply);
                case Protocol.HANDLE_EVENT -> handleEvent(map(method, first), reply);
                case Protocol.GET_PLUGIN_INFO -> pluginInfo(text(first), reply);
                case Protocol.GET_STATUS -> reply.result(status.get());
                case Protocol.INSTANCE_STATUS -> instanceStatus(id(method, first, "instance id"), reply);
                default -> {
                    if (Protocol.isStep(method)) {
                        step(method, map(method, first), reply);
                    } else {
                        reply.error("unknown method " + method);
                    }
                }
            }
        } catch (BadParams e) {
            reply.error(String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("internal error handling {}", method, e);
            reply.error("internal error handling " + method + ": " + e);
        }
    }

    private void startInstance(Map<?, ?> params, Reply reply) {
        String name = text(params.get(Protocol.KEY_NAME));
        PluginDefinition<?> definition = plugins.get(name);
        if (definition == null) {
            reply.error("no plugin named " + name + " in this server; it has " + plugins.keySet());
            return;
        }
        if (refusingInstances) {
            reply.error("the plugin server is shutting down");
            return;
        }
        PluginInstance instance;
        try {
            instance = instances.start(definition, text(params.get(Protocol.KEY_CONFIG)));
        } catch (ConfigException | InstanceRegistry.LimitReached e) {
            // Kong logs the error it gets too; a peer repeating a bad config grows this log only so fast
            REFUSED.warn("StartInstance refused: " + e.getMessage());
            reply.error(String.valueOf(e.getMessage()));
            return;
        } catch (Exception e) {
            LOG.error("starting an instance of {} failed", name, e);
            reply.error("starting an instance of " + name + " failed: " + e.getMessage());
            return;
        }
        reply.result(describe(instance, true));
    }

    private void closeInstance(long id, Reply reply) {
        PluginInstance instance = instances.close((int) id);
        if (instance == null) {
            reply.error(Protocol.noPluginInstance(id));
        } else {
            LOG.info(
                    "instance #{} of {} closed by Kong",
                    id,
                    instance.definition().name());
            reply.result(describe(instance, false));
        }
    }

    private void instanceStatus(long id, Reply reply) {
        PluginInstance instance = instances.get((int) id);
        if (instance == null) {
            reply.error(Protocol.noPluginInstance(id));
        } else {
            reply.result(describe(instance, true));
        }
    }

    private void handleEvent(Map<?, ?> params, Reply reply) {
        long id = id(Protocol.HANDLE_EVENT, params.get(Protocol.KEY_INSTANCE_ID), Protocol.KEY_INSTANCE_ID);
        String eventName = text(params.get(Protocol.KEY_EVENT_NAME));
        PluginInstance instance = instances.get((int) id);
        if (instance == null || !instance.beginEvent()) {
            reply.error(Protocol.noPluginInstance(id));
            return;
        }
        Phase phase = Phases.byWireName(eventName)
                .filter(p -> instance.definition().phases().contains(p))
                .orElse(null);
        if (phase == null) {
            instance.endEvent();
            reply.error("plugin " + instance.definition().name() + " does not handle event " + eventName);
            return;
        }
        events.start(instance, phase, reply);
    }

    private void step(String method, Map<?, ?> params, Reply reply) {
        long eventId = id(method, params.get(Protocol.KEY_EVENT_ID), Protocol.KEY_EVENT_ID);
        Object data = params.get(Protocol.KEY_DATA); // absent Data: the PDK function returned nil
        if (Protocol.STEP_ERROR.equals(method)) {
            events.step(eventId, null, data == null ? "unknown error" : text(data), reply);
        } else {
            events.step(eventId, data, null, reply);
        }
    }

    private void pluginInfo(@Nullable String name, Reply reply) {
        Map<String, Object> info = pluginInfo.apply(name);
        if (info == null) {
            reply.error("no plugin named " + name + " in this server; it has " + plugins.keySet());
        } else {
            reply.result(info);
        }
    }

    private static Map<String, Object> describe(PluginInstance instance, boolean withStartTime) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put(Protocol.KEY_NAME, instance.definition().name());
        result.put(Protocol.KEY_ID, instance.id());
        // Kong ignores Config; secrets are masked so they never travel back needlessly.
        result.put(Protocol.KEY_CONFIG, instance.config().toMap(true));
        if (withStartTime) {
            result.put(Protocol.KEY_START_TIME, instance.startTime());
        }
        return result;
    }

    private static Map<?, ?> map(String method, @Nullable Object value) {
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        throw new BadParams("malformed request: " + method + " expects a map as its first parameter");
    }

    private static long id(String method, @Nullable Object value, String what) {
        if (value instanceof Long id && id >= 0 && id <= Integer.MAX_VALUE) {
            return id;
        }
        throw new BadParams("malformed request: " + method + " needs " + what + " as an int32, got " + value);
    }

    private static @Nullable String text(@Nullable Object value) {
        return value instanceof byte[] bytes
                ? new String(bytes, StandardCharsets.UTF_8)
                : value == null ? null : value.toString();
    }

    private static final class BadParams extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadParams(String message) {
            super(message, null, false, false);
        }
    }
}
