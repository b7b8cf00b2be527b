package dev.kongjava.pluginserver.server;

import dev.kongjava.pluginserver.internal.event.EventRegistry;
import dev.kongjava.pluginserver.internal.instance.InstanceRegistry;
import dev.kongjava.pluginserver.internal.instance.PluginInstance;
import dev.kongjava.pluginserver.internal.rpc.InFlightBudget;
import dev.kongjava.pluginserver.internal.rpc.MsgpackCodec;
import dev.kongjava.pluginserver.internal.rpc.RpcDispatcher;
import dev.kongjava.pluginserver.internal.rpc.UnixSocketListener;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running plugin server: the socket Kong connects to, the instances and events behind it, and a
 * housekeeper that ends stalled events, closes idle instances and watches the parent process.
 *
 * <pre>{@code
 * try (PluginServer server = PluginServer.start(ServerOptions.defaults(socket), MyPlugin.DEFINITION)) {
 *     server.awaitTermination();
 * }
 * }</pre>
 */
public final class PluginServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginServer.class);
    /** How long shutdown waits for replies still being written; events have ended by then. */
    private static final Duration REPLY_GRACE = Duration.ofSeconds(2);

    private final Map<String, PluginDefinition> plugins;
    private final ServerOptions options;
    private final InstanceRegistry instances;
    private final EventRegistry events;
    private final RpcDispatcher dispatcher;
    private final UnixSocketListener listener;
    private final InFlightBudget budget;
    private final List<AutoCloseable> pluginResources = new ArrayList<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** False once a shutdown left work undone: events still running, closes unfinished, a plugin's loss. */
    private volatile boolean closedCleanly = true;
    private Thread housekeeper;

    /**
     * What is live right now: instances, running events, open Kong connections, and the bytes of
     * requests received and not yet answered (see {@code --max-bytes-in-flight}).
     */
    public record Status(int instances, int events, int connections, long bytesInFlight) {}

    private PluginServer(ServerOptions options, List<PluginDefinition> definitions) {
        this.options = options;
        this.plugins = index(definitions);
        this.instances = new InstanceRegistry(options.flags(), options.maxInstances());
        this.budget = new InFlightBudget(options.maxBytesInFlight());
        this.events = new EventRegistry(options.eventTimeout(), options.maxEvents());
        this.dispatcher = new RpcDispatcher(plugins, instances, events,
                name -> Optional.ofNullable(plugins.get(name)).map(PluginInfoDump::info).orElse(null),
                this::statusMap);
        this.listener = new UnixSocketListener(options.socketPath(), options.socketMode(), options.allowedUids(),
                new MsgpackCodec(options.maxMessageBytes(), budget), dispatcher);
    }

    /** Validates the plugins, runs their start hooks, binds the socket and starts serving. */
    public static PluginServer start(ServerOptions options, PluginDefinition... plugins) throws IOException {
        PluginServer server = new PluginServer(options, List.of(plugins));
        server.startPlugins();
        try {
            server.listener.start();
        } catch (IOException | RuntimeException e) {
            server.closePluginResources();
            throw e;
        }
        server.housekeeper = Thread.ofVirtual().name("housekeeper").start(server::housekeep);
        LOG.info("serving {} (pid {})", server.plugins.keySet(), ProcessHandle.current().pid());
        return server;
    }

    /** Start hooks run before the socket exists, so a plugin that cannot work refuses to start. */
    private void startPlugins() {
        for (PluginDefinition d : plugins.values()) {
            if (d.serverHook() == null) {
                continue;
            }
            try {
                pluginResources.add(d.serverHook().start(options.flags()));
            } catch (Exception e) {
                closePluginResources();
                throw new IllegalStateException("plugin " + d.name() + " cannot start: " + e.getMessage(), e);
            }
        }
    }

    private void closePluginResources() {
        for (AutoCloseable resource : pluginResources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                LOG.error("closing a plugin resource failed: {}", e.getMessage());
                closedCleanly = false;
            }
        }
        pluginResources.clear();
    }

    private static Map<String, PluginDefinition> index(List<PluginDefinition> definitions) {
        if (definitions.isEmpty()) {
            throw new IllegalArgumentException("a plugin server needs at least one plugin");
        }
        Map<String, PluginDefinition> byName = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (PluginDefinition d : definitions) {
            if (byName.putIfAbsent(d.name(), d) != null) {
                duplicates.add(d.name());
            }
        }
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException("duplicate plugin names: " + duplicates);
        }
        return byName;
    }

    public Path socketPath() {
        return listener.path();
    }

    public Status status() {
        return new Status(instances.size(), events.size(), listener.connectionCount(), budget.used());
    }

    private Map<String, Object> statusMap() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("Pid", ProcessHandle.current().pid());
        status.put("Plugins", new ArrayList<>(plugins.keySet()));
        status.put("Instances", instances.countByPlugin());
        status.put("Events", events.size());
        status.put("Connections", listener.connectionCount());
        status.put("BytesInFlight", budget.used());
        return status;
    }

    private void housekeep() {
        Duration shortest = options.eventTimeout().compareTo(options.instanceIdleTimeout()) < 0
                ? options.eventTimeout() : options.instanceIdleTimeout();
        long tickMillis = Math.clamp(shortest.toMillis() / 10, 10, 1000);
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        while (!closing.get()) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            events.expireStale();
            instances.expireIdle(options.instanceIdleTimeout());
            if (options.exitWithParent() && !parentAlive(parent)) {
                LOG.info("parent process {} is gone; shutting down", parent);
                Thread.ofVirtual().start(this::close);
                return;
            }
        }
    }

    private static boolean parentAlive(long parentPid) {
        return ProcessHandle.current().parent()
                .filter(p -> p.pid() == parentPid && p.isAlive())
                .isPresent();
    }

    /**
     * Graceful stop: remove the socket, refuse new instances and events, let running events finish
     * (bounded by the shutdown timeout), close every instance (plugins flush here), then close the
     * connections. Safe to call more than once; later calls wait for the first.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        LOG.info("shutting down: {} events running, {} instances", events.size(), instances.size());
        try {
            listener.stopAccepting();
            dispatcher.refuseNewInstances();
            List<PluginInstance> closingInstances = instances.closeAll();
            if (!events.awaitIdle(options.shutdownTimeout())) {
                LOG.warn("{} events still running after {} ms; closing anyway", events.size(),
                        options.shutdownTimeout().toMillis());
                closedCleanly = false;
            }
            int unfinished = instances.awaitClosed(closingInstances, options.shutdownTimeout());
            if (unfinished > 0) {
                LOG.warn("{} instances had not finished closing after {} ms; exiting anyway", unfinished,
                        options.shutdownTimeout().toMillis());
                closedCleanly = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closePluginResources();
            closeConnections();
            if (housekeeper != null) {
                housekeeper.interrupt();
            }
            LOG.info("stopped");
            terminated.countDown();
        }
    }

    /** Replies already owed to Kong (an event that just ended) still go out before the close. */
    private void closeConnections() {
        try {
            listener.close(REPLY_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.close();
        }
    }

    /**
     * After {@link #close()}: true when the shutdown finished everything in time (every event ended,
     * every instance closed, no plugin reported a loss); the process exits non-zero otherwise.
     */
    public boolean closedCleanly() {
        return closedCleanly;
    }

    /** Blocks until {@link #close()} has finished (e.g. after SIGTERM or the parent's exit). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    private void awaitQuietly() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
