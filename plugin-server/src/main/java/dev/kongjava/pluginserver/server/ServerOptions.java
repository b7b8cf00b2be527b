package dev.kongjava.pluginserver.server;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a running server, from the command line or set in code:
 * {@code ServerOptions.builder(socket).eventTimeout(Duration.ofSeconds(5)).build()}.
 *
 * @param socketPath the Unix socket; Kong's {@code pluginserver_<name>_socket}
 * @param socketMode file mode of the socket, {@code rw-------} by default
 * @param allowedUids peer uids allowed to connect; empty = whoever the socket mode admits
 * @param instanceIdleTimeout idle instances are closed after this (Kong never closes deleted ones)
 * @param eventTimeout how long Kong or the plugin may stay silent within an event
 * @param maxMessageBytes largest MessagePack message accepted (bodies travel in one message)
 * @param maxBytesInFlight bytes of requests received from Kong and not yet answered, over all
 *     connections; a request body beyond it is refused (the plugin answers 503), never allocated
 * @param maxEvents events running at once; beyond it a HandleEvent ends at once with Kong's 503
 * @param maxInstances live instances; beyond it StartInstance fails (Kong answers that request 500)
 * @param maxConnections Kong connections open at once; more are closed as soon as they are accepted
 * @param shutdownTimeout how long SIGTERM waits for running events, then for instances to close
 * @param parentPid exit when this process (Kong's nginx worker, the server's parent) is gone; 0: never
 * @param flags values of plugin-declared flags, by flag name
 */
public record ServerOptions(
        Path socketPath,
        Set<PosixFilePermission> socketMode,
        Set<Integer> allowedUids,
        Duration instanceIdleTimeout,
        Duration eventTimeout,
        long maxMessageBytes,
        long maxBytesInFlight,
        int maxEvents,
        int maxInstances,
        int maxConnections,
        Duration shutdownTimeout,
        long parentPid,
        Map<String, String> flags) {

    public static final String DEFAULT_KONG_PREFIX = "/usr/local/kong";
    public static final Set<PosixFilePermission> DEFAULT_SOCKET_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Duration DEFAULT_INSTANCE_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Well under Kong's 60 s socket read timeout, so Kong always hears from us first. */
    public static final Duration DEFAULT_EVENT_TIMEOUT = Duration.ofSeconds(30);
    /** Well above the plugin's 1 MiB default body limit, small enough that refusing one costs little. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 16L * 1024 * 1024;
    /** With the launcher's heap: bodies in flight, and what plugins build from them, fit. */
    public static final long DEFAULT_MAX_BYTES_IN_FLIGHT = 64L * 1024 * 1024;
    /** About 4.5 KiB each when Kong abandons them (measured in LeakIT), so at most ~45 MiB. */
    public static final int DEFAULT_MAX_EVENTS = 10_000;
    /** Kong starts one per plugin config per worker: 20,000 is 1,250 configs on 16 workers. */
    public static final int DEFAULT_MAX_INSTANCES = 20_000;
    /** Kong pools up to 256 connections per worker (Kong 3.5+): room for 16 workers. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;

    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    public ServerOptions {
        Objects.requireNonNull(socketPath, "socketPath");
        socketMode = Set.copyOf(socketMode);
        allowedUids = Set.copyOf(allowedUids);
        flags = Map.copyOf(flags);
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + maxMessageBytes);
        }
        if (maxBytesInFlight < 2 * maxMessageBytes) {
            throw new IllegalArgumentException("--max-bytes-in-flight (" + maxBytesInFlight
                    + ") must be at least twice --max-message-size (" + maxMessageBytes
                    + "), or the largest message could never be taken");
        }
        if (maxEvents < 1 || maxInstances < 1 || maxConnections < 1) {
            throw new IllegalArgumentException(
                    "--max-events, --max-instances and --max-connections must be at least 1");
        }
        if (parentPid < 0) {
            throw new IllegalArgumentException("parentPid must be a pid or 0, got " + parentPid);
        }
    }

    /** Defaults for everything but the socket path. */
    public static ServerOptions defaults(Path socketPath) {
        return builder(socketPath).build();
    }

    /** A builder with every default, for {@code socketPath}. */
    public static Builder builder(Path socketPath) {
        return new Builder(socketPath);
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(socketPath);
        b.socketMode = socketMode;
        b.allowedUids = allowedUids;
        b.instanceIdleTimeout = instanceIdleTimeout;
        b.eventTimeout = eventTimeout;
        b.maxMessageBytes = maxMessageBytes;
        b.maxBytesInFlight = maxBytesInFlight;
        b.maxEvents = maxEvents;
        b.maxInstances = maxInstances;
        b.maxConnections = maxConnections;
        b.shutdownTimeout = shutdownTimeout;
        b.parentPid = parentPid;
        b.flags = flags;
        return b;
    }

    /** Options to build; each setter names the record component it sets. */
    public static final class Builder {
        private final Path socketPath;
        private Set<PosixFilePermission> socketMode = DEFAULT_SOCKET_MODE;
        private Set<Integer> allowedUids = Set.of();
        private Duration instanceIdleTimeout = DEFAULT_INSTANCE_IDLE_TIMEOUT;
        private Duration eventTimeout = DEFAULT_EVENT_TIMEOUT;
        private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private @Nullable Long maxBytesInFlight;
        private int maxEvents = DEFAULT_MAX_EVENTS;
        private int maxInstances = DEFAULT_MAX_INSTANCES;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private long parentPid;
        private Map<String, String> flags = Map.of();

        private Builder(Path socketPath) {
            this.socketPath = socketPath;
        }

        public Builder socketMode(Set<PosixFilePermission> mode) {
            this.socketMode = mode;
            return this;
        }

        public Builder allowedUids(Set<Integer> uids) {
            this.allowedUids = uids;
            return this;
        }

        public Builder instanceIdleTimeout(Duration timeout) {
            this.instanceIdleTimeout = timeout;
            return this;
        }

        public Builder eventTimeout(Duration timeout) {
            this.eventTimeout = timeout;
            return this;
        }

        public Builder maxMessageBytes(long bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /** Unless set, {@link #DEFAULT_MAX_BYTES_IN_FLIGHT} or four times the largest message, whichever is larger. */
        public Builder maxBytesInFlight(long bytes) {
            this.maxBytesInFlight = bytes;
            return this;
        }

        public Builder maxEvents(int events) {
            this.maxEvents = events;
            return this;
        }

        public Builder maxInstances(int instances) {
            this.maxInstances = instances;
            return this;
        }

        public Builder maxConnections(int connections) {
            this.maxConnections = connections;
            return this;
        }

        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        /** Exit when process {@code pid}, the server's parent, is gone (0: never). */
        public Builder exitWithParent(long pid) {
            this.parentPid = pid;
            return this;
        }

        public Builder flags(Map<String, String> values) {
            this.flags = values;
            return this;
        }

        /** The options; throws {@link IllegalArgumentException} naming a setting out of its range. */
        public ServerOptions build() {
            long inFlight = maxBytesInFlight != null
                    ? maxBytesInFlight
                    : Math.max(DEFAULT_MAX_BYTES_IN_FLIGHT, 4 * maxMessageBytes);
            return new ServerOptions(
                    socketPath,
                    socketMode,
                    allowedUids,
                    instanceIdleTimeout,
                    eventTimeout,
                    maxMessageBytes,
                    inFlight,
                    maxEvents,
                    maxInstances,
                    maxConnections,
                    shutdownTimeout,
                    parentPid,
                    flags);
        }
    }
}
