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
 * @param shutdownTimeout how long SIGTERM waits for running events, then for instances to close
 * @param maxConnections Kong connections open at once; more are closed as soon as they are accepted
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
        Duration shutdownTimeout,
        int maxConnections,
        long parentPid,
        Map<String, String> flags) {

    public static final String DEFAULT_KONG_PREFIX = "/usr/local/kong";
    public static final Set<PosixFilePermission> DEFAULT_SOCKET_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Duration DEFAULT_INSTANCE_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Well under Kong's 60 s socket read timeout, so Kong always hears from us first. */
    public static final Duration DEFAULT_EVENT_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** Kong pools up to 256 connections per worker (Kong 3.5+): room for 16 workers. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;

    public ServerOptions {
        Objects.requireNonNull(socketPath, "socketPath");
        socketMode = Set.copyOf(socketMode);
        allowedUids = Set.copyOf(allowedUids);
        flags = Map.copyOf(flags);
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + maxMessageBytes);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        if (parentPid < 0) {
            throw new IllegalArgumentException("parentPid must be a pid or 0, got " + parentPid);
        }
    }

    /** Defaults for everything but the socket path. */
    public static ServerOptions defaults(Path socketPath) {
        return new ServerOptions(socketPath, DEFAULT_SOCKET_MODE, Set.of(), DEFAULT_INSTANCE_IDLE_TIMEOUT,
                DEFAULT_EVENT_TIMEOUT, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_SHUTDOWN_TIMEOUT, DEFAULT_MAX_CONNECTIONS, 0,
                Map.of());
    }

    public ServerOptions withSocketMode(Set<PosixFilePermission> mode) {
        return new ServerOptions(socketPath, mode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, shutdownTimeout, maxConnections, parentPid, flags);
    }

    public ServerOptions withAllowedUids(Set<Integer> uids) {
        return new ServerOptions(socketPath, socketMode, uids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, shutdownTimeout, maxConnections, parentPid, flags);
    }

    public ServerOptions withInstanceIdleTimeout(Duration timeout) {
        return new ServerOptions(socketPath, socketMode, allowedUids, timeout, eventTimeout,
                maxMessageBytes, shutdownTimeout, maxConnections, parentPid, flags);
    }

    public ServerOptions withEventTimeout(Duration timeout) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, timeout,
                maxMessageBytes, shutdownTimeout, maxConnections, parentPid, flags);
    }

    public ServerOptions withMaxMessageBytes(long bytes) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                bytes, shutdownTimeout, maxConnections, parentPid, flags);
    }

    public ServerOptions withShutdownTimeout(Duration timeout) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, timeout, maxConnections, parentPid, flags);
    }

    public ServerOptions withMaxConnections(int max) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, shutdownTimeout, max, parentPid, flags);
    }

    /** Exit when process {@code pid}, the server's parent, is gone (0: never). */
    public ServerOptions withExitWithParent(long pid) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, shutdownTimeout, maxConnections, pid, flags);
    }

    public ServerOptions withFlags(Map<String, String> values) {
        return new ServerOptions(socketPath, socketMode, allowedUids, instanceIdleTimeout, eventTimeout,
                maxMessageBytes, shutdownTimeout, maxConnections, parentPid, values);
    }
}
