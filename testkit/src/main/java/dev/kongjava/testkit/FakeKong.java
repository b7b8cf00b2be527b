package dev.kongjava.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Kong-side peer in Java for tests of plugin servers: a pool of real Unix-socket connections
 * (one request per call, a connection back to the pool after the reply, like Kong's cosocket pool),
 * real MessagePack, StartInstance with Kong-style Config JSON, the HandleEvent/Step loop answering
 * PDK calls from a {@link CannedRequest}, and Kong's recovery on "no plugin instance".
 *
 * <pre>{@code
 * try (FakeKong kong = FakeKong.connect(server.socketPath())) {
 *     Exchange ex = kong.plugin("kafka-upstream", "{\"topic\":\"orders\"}").access(CannedRequest.post("/orders"));
 *     assertEquals(200, ex.exitStatus());
 * }
 * }</pre>
 */
public final class FakeKong implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;
    private final ConcurrentLinkedDeque<KongConnection> idle = new ConcurrentLinkedDeque<>();
    private final List<KongConnection> all = new CopyOnWriteArrayList<>();
    private final List<PluginConfig> plugins = new CopyOnWriteArrayList<>();
    private final AtomicLong msgid = new AtomicLong();
    private final AtomicInteger seq = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile int kongMajor = 3;
    private volatile boolean freshConnectionPerCall;
    private volatile Duration replyTimeout = KongConnection.KONG_READ_TIMEOUT;
    private volatile Long serverPid;

    private FakeKong(Path socket) {
        this.socket = socket;
    }

    public static FakeKong connect(Path socket) {
        return new FakeKong(socket);
    }

    /** Behave as Kong 2.x (StepError, raw bodies as str) or 3.x (the default). */
    public FakeKong kongVersion(int major) {
        this.kongMajor = major;
        return this;
    }

    /**
     * Open a new connection for every RPC instead of reusing pooled ones, so consecutive Steps of an
     * event provably travel over different connections.
     */
    public FakeKong freshConnectionPerCall(boolean on) {
        this.freshConnectionPerCall = on;
        return this;
    }

    /**
     * How long each RPC waits for its reply (default {@link KongConnection#KONG_READ_TIMEOUT}, Kong's);
     * connections opened from now on use it.
     */
    public FakeKong replyTimeout(Duration timeout) {
        this.replyTimeout = timeout;
        return this;
    }

    /**
     * One RPC through the pool; serverPid notifications are tracked as Kong does. A pooled
     * connection the server closed while it sat idle is replaced once, as OpenResty's keepalive pool
     * drops connections whose peer closed them; a fresh connection that fails is an error, and so is
     * a reply that does not come within the reply timeout (the request is not sent again).
     */
    public KongConnection.Reply call(String method, Object... params) {
        for (int attempt = 0; ; attempt++) {
            KongConnection c = acquire(attempt > 0);
            boolean reused = c.callsMade() > 0;
            try {
                KongConnection.Reply reply = c.call(msgid.incrementAndGet(), method, List.of(params));
                notePid(c.lastServerPid());
                release(c);
                return reply;
            } catch (IOException e) {
                discard(c);
                if (!reused || attempt > 0 || e instanceof SocketTimeoutException) {
                    throw new UncheckedIOException("rpc " + method + " failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /** StartInstance with {@code configJson} plus the keys Kong injects; returns the instance id. */
    public int startInstance(String name, String configJson) {
        KongConnection.Reply reply =
                call("plugin.StartInstance", Map.of("Name", name, "Config", kongConfig(configJson)));
        if (!reply.ok()) {
            throw new KongRpcException(String.valueOf(reply.error()));
        }
        return ((Number) ((Map<?, ?>) reply.result()).get("Id")).intValue();
    }

    /** CloseInstance; Kong ignores the result. */
    public KongConnection.Reply closeInstance(int id) {
        return call("plugin.CloseInstance", id);
    }

    /** Runs one event without any retry (see {@link PluginConfig} for Kong's retry). */
    public Exchange event(int instanceId, String phase, CannedRequest request) {
        return new KongEventLoop(this, new PdkAnswers(request, kongMajor)).run(instanceId, phase);
    }

    /** A plugin configured on a route, instantiated lazily like a Kong worker does. */
    public PluginConfig plugin(String name, String configJson) {
        PluginConfig plugin = new PluginConfig(this, name, configJson);
        plugins.add(plugin);
        return plugin;
    }

    /** The server pid from the last notification, or null before the first connection. */
    public Long serverPid() {
        return serverPid;
    }

    /** How many connections this peer has opened so far. */
    public int connectionsOpened() {
        return opened.get();
    }

    int kongMajor() {
        return kongMajor;
    }

    String kongConfig(String configJson) {
        try {
            ObjectNode config = (ObjectNode) JSON.readTree(configJson);
            config.put("__seq__", seq.incrementAndGet());
            config.put("__plugin_id", UUID.randomUUID().toString());
            config.put("__key__", "plugins:fake:" + UUID.randomUUID());
            config.put("route_id", "00000000-0000-4000-8000-000000000001");
            return JSON.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalArgumentException("config is not a JSON object: " + configJson, e);
        }
    }

    private void notePid(Long pid) {
        if (pid == null) {
            return;
        }
        Long previous = serverPid;
        serverPid = pid;
        if (previous != null && !previous.equals(pid)) {
            // Kong drops every instance bound to the server when its pid changes (§4.1).
            plugins.forEach(PluginConfig::forget);
        }
    }

    private KongConnection acquire(boolean fresh) {
        KongConnection c = freshConnectionPerCall || fresh ? null : idle.pollFirst();
        if (c != null && !c.isClosed()) {
            return c;
        }
        try {
            KongConnection created = new KongConnection(socket, replyTimeout);
            opened.incrementAndGet();
            all.add(created);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("trying to connect: " + e.getMessage(), e);
        }
    }

    private void release(KongConnection c) {
        if (freshConnectionPerCall) {
            discard(c);
        } else {
            idle.addFirst(c);
        }
    }

    private void discard(KongConnection c) {
        all.remove(c);
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a broken connection
        }
    }

    @Override
    public void close() {
        all.forEach(this::discard);
        idle.clear();
    }

    /** An RPC error where Kong would raise (StartInstance). */
    public static final class KongRpcException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KongRpcException(String message) {
            super(message);
        }
    }

    /** Kong's per-worker instance cache entry for one plugin config (docs/protocol.md §6). */
    public static final class PluginConfig {
        private final FakeKong kong;
        private final String name;
        private volatile String configJson;
        private volatile Integer instanceId;
        private volatile Integer staleId;
        private final AtomicInteger starts = new AtomicInteger();

        PluginConfig(FakeKong kong, String name, String configJson) {
            this.kong = kong;
            this.name = name;
            this.configJson = configJson;
        }

        /** Runs the access phase, starting the instance first if needed, rerunning once on "no plugin instance". */
        public Exchange access(CannedRequest request) {
            return run("access", request);
        }

        /** Runs any phase the same way. */
        public synchronized Exchange run(String phase, CannedRequest request) {
            int rpcs = 0;
            for (int attempt = 0; ; attempt++) {
                rpcs += ensureInstance();
                Exchange ex = new KongEventLoop(kong, new PdkAnswers(request, kong.kongMajor())).run(instanceId, phase);
                boolean gone = ex.rpcError() != null
                        && ex.rpcError().toLowerCase(Locale.ROOT).contains("no plugin instance");
                if (!gone || attempt > 0) {
                    return new Exchange(
                            ex.calls(),
                            ex.exitMethod(),
                            ex.exitStatus(),
                            ex.exitBody(),
                            ex.exitHeaders(),
                            ex.rpcError(),
                            ex.aborted(),
                            ex.rpcCount() + rpcs,
                            attempt);
                }
                rpcs += ex.rpcCount();
                forget();
            }
        }

        /** A config change: Kong bumps __seq__, starts a new instance and closes the old one. */
        public synchronized void reconfigure(String newConfigJson) {
            this.configJson = newConfigJson;
            this.staleId = instanceId;
            this.instanceId = null;
        }

        /** The instance id Kong currently uses for this config, or null. */
        public Integer instanceId() {
            return instanceId;
        }

        /** How many StartInstance calls this config has needed. */
        public int starts() {
            return starts.get();
        }

        synchronized void forget() {
            instanceId = null;
        }

        private int ensureInstance() {
            if (instanceId != null) {
                return 0;
            }
            instanceId = kong.startInstance(name, configJson);
            starts.incrementAndGet();
            if (staleId != null) {
                kong.closeInstance(staleId);
                staleId = null;
                return 2;
            }
            return 1;
        }
    }
}
