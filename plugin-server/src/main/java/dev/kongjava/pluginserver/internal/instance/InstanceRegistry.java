package dev.kongjava.pluginserver.internal.instance;

import dev.kongjava.pluginserver.internal.LogText;
import dev.kongjava.pluginserver.plugin.InstanceContext;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.ConfigValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The live plugin instances by id: start, look up, close, expire when idle. */
public final class InstanceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceRegistry.class);

    private final Map<Integer, PluginInstance> instances = new ConcurrentHashMap<>();
    private final InstanceIds ids;
    private final Map<String, String> flags;
    private final int maxInstances;
    /** Plugin name → what its server hook returned, for {@link InstanceContext#service}. */
    private final Function<String, Object> services;

    /** StartInstance beyond the server's {@code --max-instances}; the message is Kong's error text. */
    public static final class LimitReached extends Exception {
        private static final long serialVersionUID = 1L;

        LimitReached(int limit) {
            super(
                    "the plugin server holds " + limit + " instances, its limit (--max-instances); "
                            + "idle ones close after --instance-idle-timeout",
                    null,
                    false,
                    false);
        }
    }

    /**
     * @param maxInstances live instances at most; StartInstance fails beyond it
     * @param services plugin name → what its server hook returned (null when none)
     */
    public InstanceRegistry(Map<String, String> flags, int maxInstances, Function<String, Object> services) {
        this(flags, maxInstances, services, new InstanceIds());
    }

    InstanceRegistry(Map<String, String> flags, int maxInstances, Function<String, Object> services, InstanceIds ids) {
        this.flags = Map.copyOf(flags);
        this.maxInstances = maxInstances;
        this.services = services;
        this.ids = ids;
    }

    /**
     * Parses {@code configJson}, creates the handler and registers the instance.
     *
     * @throws dev.kongjava.pluginserver.schema.ConfigException for an invalid config
     * @throws LimitReached when {@code --max-instances} are live
     * @throws Exception whatever the plugin's factory throws
     */
    public <C> PluginInstance start(PluginDefinition<C> definition, @Nullable String configJson) throws Exception {
        if (instances.size() >= maxInstances) {
            throw new LimitReached(maxInstances);
        }
        ConfigValues config = ApiAccess.parse(definition.schema(), definition.name(), configJson);
        List<String> unknown = ApiAccess.unknownKeys(definition.schema(), definition.name(), configJson);
        if (!unknown.isEmpty()) {
            LOG.warn("config of {} has unknown keys {}; they are ignored", definition.name(), LogText.cap(unknown));
        }
        int id = ids.next();
        PluginInstance instance = new PluginInstance(
                id,
                definition,
                config,
                StartedHandler.make(
                        definition,
                        new StartContext<>(
                                id,
                                definition.name(),
                                ApiAccess.bind(definition.schema(), config),
                                flags,
                                services.apply(definition.name()))));
        instances.put(id, instance);
        LOG.info("instance #{} of {} started with config {}", id, definition.name(), config);
        return instance;
    }

    /** The instance, or null if unknown (never started, closed or expired). */
    public @Nullable PluginInstance get(int id) {
        return instances.get(id);
    }

    /** Removes and closes an instance; null if unknown. */
    public @Nullable PluginInstance close(int id) {
        PluginInstance instance = instances.remove(id);
        if (instance != null) {
            instance.close(false);
        }
        return instance;
    }

    /** Closes instances unused for {@code idle} and running no event; returns how many. */
    public int expireIdle(Duration idle) {
        long now = System.nanoTime();
        int expired = 0;
        for (PluginInstance instance : List.copyOf(instances.values())) {
            if (instance.activeEvents() == 0
                    && now - instance.lastUsedNanos() > idle.toNanos()
                    && instances.remove(instance.id(), instance)) {
                LOG.info(
                        "instance #{} of {} expired after {} s idle",
                        instance.id(),
                        instance.definition().name(),
                        idle.toSeconds());
                instance.close(false);
                expired++;
            }
        }
        return expired;
    }

    /**
     * Removes every instance and refuses new events on them; idle handlers close now, busy ones
     * when their last event ends. Returns them for {@link #awaitClosed}.
     */
    public List<PluginInstance> closeAll() {
        List<PluginInstance> all = new ArrayList<>(instances.values());
        instances.clear();
        all.forEach(i -> i.close(false));
        return all;
    }

    /**
     * Closes what is still open (events stuck past the shutdown timeout) and waits for the closes;
     * returns how many had not finished closing when the timeout ended.
     */
    public int awaitClosed(List<PluginInstance> closing, Duration timeout) throws InterruptedException {
        closing.forEach(i -> i.close(true));
        long deadline = System.nanoTime() + timeout.toNanos();
        int unfinished = 0;
        for (PluginInstance instance : closing) {
            if (!instance.awaitClosed(Math.max(1, (deadline - System.nanoTime()) / 1_000_000))) {
                unfinished++;
            }
        }
        return unfinished;
    }

    public int size() {
        return instances.size();
    }

    /** Instances per plugin name, for {@code GetStatus}. */
    public Map<String, Integer> countByPlugin() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        instances.values().forEach(i -> counts.merge(i.definition().name(), 1, Integer::sum));
        return counts;
    }
}
