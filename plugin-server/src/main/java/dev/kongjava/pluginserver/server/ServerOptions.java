package dev.kongjava.pluginserver.server;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of a running server, from the command line or set in code.
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
 * @param shutdownTimeout how long SIGTERM waits for running events, then for instances to close
 * @param exitWithParent exit when the parent process (Kong's nginx worker) is gone
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
        Duration shutdownTimeout,
        boolean exitWithParent,
        Map<String, String> flags) {

    public static final String DEFAULT_KONG_PREFIX = "/usr/local/kong";
    public static final Set<PosixFilePermission> DEFAULT_SOCKET_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Duration DEFAULT_INSTANCE_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Well under Kong's 60 s socket read timeout, so Kong always hears from us first. */
    public static final Duration DEFAULT_EVENT_TIMEOUT = Duration.ofSeconds(30);
    /** Well above the plugin's 1 MiB default body limit, small enough that refusing one costs little. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 16L * 1024 * 1024;
    /** With the launcher's 512 MiB heap: bodies in flight, and what plugins build from them, fit. */
    public static final long DEFAULT_MAX_BYTES_IN_FLIGHT = 64L * 1024 * 1024;
    /** About 4.5 KiB each when Kong abandons them (measured in LeakIT), so at most ~45 MiB. */
    public static final int DEFAULT_MAX_EVENTS = 10_000;
    /** Kong starts one per plugin config per worker: 20,000 is 1,250 configs on 16 workers. */
    public static final int DEFAULT_MAX_INSTANCES = 20_000;
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
        if (maxEvents < 1) {
            throw new IllegalArgumentException("--max-events must be at least 1, got " + maxEvents);
        }
        if (maxInstances < 1) {
            throw new IllegalArgumentException("--max-instances must be at least 1, got " + maxInstances);
        }
    }

    /** Defaults for everything but the socket path. */
    public static ServerOptions defaults(Path socketPath) {
        return new ServerOptions(socketPath, DEFAULT_SOCKET_MODE, Set.of(), DEFAULT_INSTANCE_IDLE_TIMEOUT,
                DEFAULT_EVENT_TIMEOUT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_BYTES_IN_FLIGHT, DEFAULT_MAX_EVENTS,
                DEFAULT_MAX_INSTANCES,
                DEFAULT_SHUTDOWN_TIMEOUT, false, Map.of());
    }

    public ServerOptions withSocketMode(Set<PosixFilePermission> mode) {
        return new ServerOptions(socketPath, mode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, maxBytesInFlight, maxEvents, maxInstances, shutdownTimeout, exitWithParent, flags);
    }

    public ServerOptions withAllowedUids(Set<Integer> uids) {
        return new ServerOptions(socketPath, socketMode, uids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, maxBytesInFlight, maxEvents, maxInstances, shutdownTimeout, exitWithParent, flags);
    }

    public ServerOptions withInstanceIdleTimeout(Duration timeout) {
        return new ServerOptions(socketPath, socketMode, allowedUids, timeout, eventTimeout,
                maxMessageBytes, maxBytesInFlight, maxEvents, maxInstances, shutdownTimeout, exitWithParent, flags);
    }

    public ServerOptions withEventTimeout(Duration timeout) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, timeout,
                maxMessageBytes, maxBytesInFlight, maxEvents, maxInstances, shutdownTimeout, exitWithParent, flags);
    }

    /** Also raises the in-flight budget to twice {@code bytes} where it was smaller. */
    public ServerOptions withMaxMessageBytes(long bytes) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                bytes, Math.max(maxBytesInFlight, 2 * bytes), maxEvents, maxInstances, shutdownTimeout, exitWithParent, flags);
    }

    public ServerOptions withMaxBytesInFlight(long bytes) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, bytes, maxEvents, maxInstances, shutdownTimeout, exitWithParent, flags);
    }

    public ServerOptions withMaxEvents(int events) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, maxBytesInFlight, events, maxInstances, shutdownTimeout, exitWithParent, flags);
    }

    public ServerOptions withMaxInstances(int instances) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, maxBytesInFlight, maxEvents, instances, shutdownTimeout, exitWithParent, flags);
    }

    public ServerOptions withShutdownTimeout(Duration timeout) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, maxBytesInFlight, maxEvents, maxInstances, timeout, exitWithParent, flags);
    }

    public ServerOptions withExitWithParent(boolean exit) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, maxBytesInFlight, maxEvents, maxInstances, shutdownTimeout, exit, flags);
    }

    public ServerOptions withFlags(Map<String, String> values) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, maxBytesInFlight, maxEvents, maxInstances, shutdownTimeout, exitWithParent, values);
    }
}
