package dev.kongjava.pluginserver.internal.instance;

import dev.kongjava.pluginserver.plugin.Phase;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.schema.ConfigValues;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code StartInstance}: a plugin definition, its validated config and the handler made for it.
 * Closing is deferred until the last running event of the instance ends, because Kong sends
 * {@code CloseInstance} for the old config while requests may still be using it.
 */
public final class PluginInstance {
    private static final Logger LOG = LoggerFactory.getLogger(PluginInstance.class);

    private final int id;
    private final PluginDefinition<?> definition;
    private final ConfigValues config;
    private final Object handler;
    private final Map<Phase, List<PdkCall>> readAhead;
    private final double startTime;
    private final AtomicInteger activeEvents = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean handlerClosed = new AtomicBoolean();
    private volatile long lastUsedNanos = System.nanoTime();
    private volatile @Nullable Thread closer;

    PluginInstance(int id, PluginDefinition<?> definition, ConfigValues config, StartedHandler started) {
        this.id = id;
        this.definition = definition;
        this.config = config;
        this.handler = started.handler();
        this.readAhead = started.readAhead();
        this.startTime = System.currentTimeMillis() / 1000.0;
    }

    public int id() {
        return id;
    }

    public PluginDefinition<?> definition() {
        return definition;
    }

    public ConfigValues config() {
        return config;
    }

    public Object handler() {
        return handler;
    }

    /** The calls the handler of {@code phase} reads ahead (recorded when the instance started); often none. */
    public List<PdkCall> readAhead(Phase phase) {
        return readAhead.getOrDefault(phase, List.of());
    }

    /** Epoch seconds, as the other PDKs report {@code StartTime}. */
    public double startTime() {
        return startTime;
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }

    int activeEvents() {
        return activeEvents.get();
    }

    /** Registers an event; false once the instance is closing (the caller answers "no plugin instance"). */
    public boolean beginEvent() {
        activeEvents.incrementAndGet();
        lastUsedNanos = System.nanoTime();
        if (closing.get()) {
            endEvent();
            return false;
        }
        return true;
    }

    public void endEvent() {
        lastUsedNanos = System.nanoTime();
        if (activeEvents.decrementAndGet() == 0 && closing.get()) {
            closeHandler();
        }
    }

    /**
     * Refuses new events and closes the handler once no event is running, or at once when
     * {@code force} (server shutdown, after running events had their chance to finish).
     */
    void close(boolean force) {
        closing.set(true);
        if (force || activeEvents.get() == 0) {
            closeHandler();
        }
    }

    /** Waits up to {@code millis} for the handler's close (e.g. a producer flush); true once it finished. */
    boolean awaitClosed(long millis) throws InterruptedException {
        Thread t = closer;
        if (t != null) {
            t.join(millis);
            return !t.isAlive();
        }
        return true;
    }

    private void closeHandler() {
        if (!handlerClosed.compareAndSet(false, true) || !(handler instanceof AutoCloseable closeable)) {
            return;
        }
        // A close may flush to a broker; Kong is waiting on the CloseInstance reply, so not here.
        closer = Thread.ofVirtual().name("close-instance-" + id).start(() -> {
            try {
                closeable.close();
                LOG.info("instance #{} of {} closed", id, definition.name());
            } catch (Exception e) {
                LOG.warn("closing instance #{} of {} failed: {}", id, definition.name(), e.toString());
            }
        });
    }
}
