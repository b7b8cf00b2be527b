package dev.kongjava.pluginserver.server;

import dev.kongjava.pluginserver.internal.event.EventRegistry;
import dev.kongjava.pluginserver.internal.instance.ApiAccess;
import dev.kongjava.pluginserver.internal.instance.InstanceRegistry;
import dev.kongjava.pluginserver.internal.instance.PluginInstance;
import dev.kongjava.pluginserver.internal.rpc.InFlightBudget;
import dev.kongjava.pluginserver.internal.rpc.MsgpackCodec;
import dev.kongjava.pluginserver.internal.rpc.RpcDispatcher;
import dev.kongjava.pluginserver.internal.rpc.UnixSocketListener;
import dev.kongjava.pluginserver.plugin.PluginDefinition;
import dev.kongjava.pluginserver.plugin.ServerHook;
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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running plugin server: the socket Kong connects to, the instances and events behind it, and a
 * housekeeper that ends stalled events, closes idle instances and connections whose peer stopped
 * reading, and watches the parent process and whether the server can still serve.
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
    /** The exit status of a server that could not serve or could not finish its work; Kong restarts it. */
    private static final int EXIT_CANNOT_SERVE = 1;

    private final Map<String, PluginDefinition<?>> plugins;
    private final ServerOptions options;
    private final InstanceRegistry instances;
    private final EventRegistry events;
    private final RpcDispatcher dispatcher;
    private final UnixSocketListener listener;
    private final InFlightBudget budget;
    /** What each plugin's server hook returned, by plugin name, in start order; closed last. */
    private final Map<String, AutoCloseable> pluginResources = new LinkedHashMap<>();

    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** False once a shutdown left work undone: events still running, closes unfinished, a plugin's loss. */
    private volatile boolean closedCleanly = true;

    private volatile @Nullable String failure;
    private @Nullable Thread housekeeper;

    /**
     * What is live right now: instances, running events, open Kong connections, and the bytes of
     * requests received and not yet answered (see {@code --max-bytes-in-flight}).
     */
    public record Status(int instances, int events, int connections, long bytesInFlight) {}

    private PluginServer(ServerOptions options, List<PluginDefinition<?>> definitions) {
        this.options = options;
        this.plugins = index(definitions);
        this.instances = new InstanceRegistry(options.flags(), options.maxInstances(), pluginResources::get);
        this.budget = new InFlightBudget(options.maxBytesInFlight());
        this.events = new EventRegistry(options.eventTimeout(), options.maxEvents());
        this.dispatcher = new RpcDispatcher(
                plugins,
                instances,
                events,
                name -> Optional.ofNullable(plugins.get(name))
                        .map(PluginInfoDump::info)
                        .orElse(null),
                this::statusMap);
        this.listener = new UnixSocketListener(
                options.socketPath(),
                options.socketMode(),
                options.allowedUids(),
                options.maxConnections(),
                options.eventTimeout(),
                new MsgpackCodec(options.maxMessageBytes(), budget),
                dispatcher);
    }

    /**
     * Validates the plugins, runs their start hooks, binds the socket and starts serving. With
     * {@link ServerOptions#parentPid()} set, refuses to start when that parent is already gone: an
     * orphan of a Kong worker that died during start-up must not take over the socket.
     */
    public static PluginServer start(ServerOptions options, PluginDefinition<?>... plugins) throws IOException {
        if (options.parentPid() != 0 && !parentAlive(options.parentPid())) {
            throw new IllegalStateException(
                    options.parentPid() == 1
                            ? "the process that started the server is already gone (its parent is now pid 1)"
                            : "the process that started the server (pid " + options.parentPid() + ") is already gone");
        }
        PluginServer server = new PluginServer(options, List.of(plugins));
        server.startPlugins();
        try {
            server.listener.start();
        } catch (IOException | RuntimeException e) {
            server.closePluginResources();
            throw e;
        }
        // A platform thread, unlike the rest of the engine's background work: it must run when no
        // new thread can be made (it is what decides to stop then), and the virtual-thread
        // scheduler may then be unable to run anything.
        server.housekeeper = Thread.ofPlatform().daemon().name("housekeeper").start(server::housekeep);
        LOG.info(
                "serving {} (pid {})",
                server.plugins.keySet(),
                ProcessHandle.current().pid());
        return server;
    }

    /** Start hooks run before the socket exists, so a plugin that cannot work refuses to start. */
    private void startPlugins() {
        for (PluginDefinition<?> d : plugins.values()) {
            @Nullable ServerHook hook = ApiAccess.serverHook(d);
            if (hook == null) {
                continue;
            }
            try {
                pluginResources.put(d.name(), hook.start(options.flags()));
            } catch (Exception e) {
                closePluginResources();
                throw new IllegalStateException("plugin " + d.name() + " cannot start: " + e.getMessage(), e);
            }
        }
    }

    private void closePluginResources() {
        for (AutoCloseable resource : pluginResources.values()) {
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

    private static Map<String, PluginDefinition<?>> index(List<PluginDefinition<?>> definitions) {
        if (definitions.isEmpty()) {
            throw new IllegalArgumentException("a plugin server needs at least one plugin");
        }
        Map<String, PluginDefinition<?>> byName = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (PluginDefinition<?> d : definitions) {
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

    /**
     * Every tick: expire events and instances, close connections whose peer stopped reading, and
     * stop when the parent is gone or the server can no longer serve. It never writes to a socket,
     * so no peer can hold it up; should it fail anyway, the server stops rather than run without it.
     */
    private void housekeep() {
        Duration shortest = options.eventTimeout().compareTo(options.instanceIdleTimeout()) < 0
                ? options.eventTimeout()
                : options.instanceIdleTimeout();
        long tickMillis = Math.clamp(shortest.toMillis() / 10, 10, 1000);
        try {
            while (!closing.get()) {
                Thread.sleep(tickMillis);
                events.expireStale();
                instances.expireIdle(options.instanceIdleTimeout());
                listener.closeStalledWriters();
                String cannotServe = listener.failure();
                if (cannotServe != null) {
                    stopFailing(cannotServe);
                    return;
                }
                if (options.parentPid() != 0 && !parentAlive(options.parentPid())) {
                    LOG.info("parent process {} is gone; shutting down", options.parentPid());
                    close();
                    return;
                }
            }
        } catch (InterruptedException e) {
            // close() interrupts the tick
        } catch (Throwable t) { // without the housekeeper events and instances would never expire
            stopFailing("the housekeeper failed: " + t);
        }
    }

    /** A server that cannot serve stops (gracefully, bounded) and exits non-zero, so Kong starts a new one. */
    private void stopFailing(String reason) {
        failure = reason;
        LOG.error(
                "cannot serve any more: {}; stopping with exit status {} so that Kong starts a new server",
                reason,
                EXIT_CANNOT_SERVE);
        close();
    }

    /**
     * False once this process has another parent: an orphan is adopted by a reaper at once (pid 1
     * is one, never Kong). An unknown parent counts as alive: out of file descriptors, /proc cannot
     * be read, and that must not stop the server for the wrong reason.
     */
    private static boolean parentAlive(long parentPid) {
        return parentPid > 1
                && ProcessHandle.current()
                        .parent()
                        .map(p -> p.pid() == parentPid)
                        .orElse(true);
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
                LOG.warn(
                        "{} events still running after {} ms; closing anyway",
                        events.size(),
                        options.shutdownTimeout().toMillis());
                closedCleanly = false;
            }
            int unfinished = instances.awaitClosed(closingInstances, options.shutdownTimeout());
            if (unfinished > 0) {
                LOG.warn(
                        "{} instances had not finished closing after {} ms; exiting anyway",
                        unfinished,
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
            if (failure == null) {
                LOG.info("stopped");
            } else {
                LOG.error("stopped: {}; exit status {}", failure, EXIT_CANNOT_SERVE);
            }
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

    /**
     * Blocks until {@link #close()} has finished (e.g. after SIGTERM or the parent's exit) and
     * returns the process's exit status: 0, or 1 when the server stopped because it could no longer
     * serve (its accept thread or housekeeper failed, or no new connection could be served for the
     * event timeout) or its shutdown left work undone ({@link #closedCleanly()}).
     */
    public int awaitTermination() throws InterruptedException {
        terminated.await();
        return failure == null && closedCleanly ? 0 : EXIT_CANNOT_SERVE;
    }

    private void awaitQuietly() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
