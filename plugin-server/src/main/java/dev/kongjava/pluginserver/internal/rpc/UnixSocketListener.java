package dev.kongjava.pluginserver.internal.rpc;

import dev.kongjava.pluginserver.plugin.RateLimitedLog;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Unix socket Kong connects to: replaces a stale socket file, binds with a large backlog,
 * restricts the file's mode, checks each peer's uid ({@link PeerCheck}) and reads every connection
 * on its own thread, at most {@code maxConnections} at once.
 *
 * <p>Connections are read by platform threads, plugin code runs on virtual threads. Measured
 * (bench part 1): a blocking read on a virtual thread goes through the JDK's poller and the
 * scheduler, which tripled the round trip of a raw echo on two cores; a platform thread sleeping in
 * the kernel wakes straight into the read. Kong keeps a few hundred pooled connections at most, so
 * a thread each is cheap (small stacks, they only decode and dispatch).
 *
 * <p>It uses the JDK's own Unix-domain channels. junixsocket 2.11.1 was tried first; its
 * virtual-thread support polls each descriptor with a one-second native poll on a two-thread pool,
 * and with a few idle pooled Kong connections a request waited forever.
 *
 * <p>The socket is bound under a temporary name, given its mode, and only then renamed onto the
 * configured path (rename is atomic and replaces a stale socket). So the path never exists with the
 * umask's mode or before the socket listens, and on {@code kong reload} it never goes missing:
 * whoever sees the file can connect. When the temporary name would not fit the 107 bytes of a
 * socket address, the socket is bound in place (stale file removed first) and the peer check still
 * guards the moment before chmod: without an explicit allowlist it admits exactly the uids the file
 * mode admits (owner and root for 0600; the owning group too for 0660; anyone when world-writable).
 */
public final class UnixSocketListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketListener.class);
    /** Kong opens up to lua_socket_pool_size (256) connections per worker in bursts. */
    private static final int BACKLOG = 4096;
    /** Decoding and dispatch need little stack; the plugin never runs on these threads. */
    private static final long READER_STACK_BYTES = 256 * 1024;
    /** sun_path holds 108 bytes on Linux, including the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final long MIN_BACKOFF_MILLIS = 10;
    private static final long MAX_BACKOFF_MILLIS = 1000;
    private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);

    private final Path path;
    private final Set<Integer> allowedUids;
    private final Set<PosixFilePermission> mode;
    private final MsgpackCodec codec;
    private final RpcDispatcher dispatcher;
    private final Set<RpcConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    /** Accepted and not yet ended, including those still being set up; at most {@link #maxConnections}. */
    private final AtomicInteger open = new AtomicInteger();

    private final int maxConnections;
    private final Duration stallTimeout;
    private final ThreadFailures threadFailures;
    private final RateLimitedLog acceptFailures = new RateLimitedLog(LOG, WARNING_INTERVAL);
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, WARNING_INTERVAL);
    private final RateLimitedLog stalledWrites = new RateLimitedLog(LOG, WARNING_INTERVAL);
    private @Nullable ServerSocketChannel server;
    private @Nullable Object inode;
    private @Nullable PeerCheck peerCheck;
    private volatile boolean closed;
    private @Nullable Thread acceptor;

    /**
     * @param mode file mode of the socket, e.g. {@code rw-------}
     * @param allowedUids peer uids to accept; empty means "whoever the file mode admits"
     * @param maxConnections connections open at once; more are closed as soon as they are accepted
     * @param stallTimeout how long a reply may make no progress before its connection is closed, and
     *     how long every new connection may fail to be served before {@link #failure()} gives up
     */
    public UnixSocketListener(
            Path path,
            Set<PosixFilePermission> mode,
            Set<Integer> allowedUids,
            int maxConnections,
            Duration stallTimeout,
            MsgpackCodec codec,
            RpcDispatcher dispatcher) {
        this.path = path;
        this.mode = Set.copyOf(mode);
        this.allowedUids = Set.copyOf(allowedUids);
        this.maxConnections = maxConnections;
        this.stallTimeout = stallTimeout;
        this.threadFailures = new ThreadFailures(stallTimeout, new RateLimitedLog(LOG, WARNING_INTERVAL));
        this.codec = codec;
        this.dispatcher = dispatcher;
    }

    /** Binds and starts accepting; fails if the path holds something that is not a socket. */
    public void start() throws IOException {
        boolean stale = checkExistingFile();
        Path bindPath = temporaryPath();
        // the stale socket when binding in place, else a temporary one a crashed server with our pid left
        Files.deleteIfExists(bindPath);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(bindPath), BACKLOG);
        Files.setPosixFilePermissions(bindPath, mode);
        if (!bindPath.equals(path)) {
            Files.move(bindPath, path, StandardCopyOption.ATOMIC_MOVE); // replaces a stale socket
        }
        if (stale) {
            LOG.info("replaced stale socket {}", path);
        }
        inode = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        peerCheck = new PeerCheck(path, mode, allowedUids);
        LOG.info(
                "listening on {} (mode {}, at most {} connections)",
                path,
                PosixFilePermissions.toString(mode),
                maxConnections);
        acceptor = Thread.ofPlatform().daemon().name("accept").start(this::acceptLoop);
    }

    /** True when a stale socket is there to replace; fails on anything that is not a socket. */
    private boolean checkExistingFile() throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            Path dir = path.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new IOException("cannot create socket " + path + ": directory " + dir
                        + " does not exist (is --kong-prefix or --socket right?)");
            }
            return false;
        }
        Object type = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (((Integer) type & 0170000) != 0140000) {
            throw new IOException("refusing to replace " + path + ": it exists and is not a socket");
        }
        // Also on kong reload: the old server may still run, and Kong wants the new one bound.
        return true;
    }

    /** A sibling name for binding before the rename, or the path itself when that would not fit. */
    private Path temporaryPath() {
        Path temporary = path.resolveSibling(
                "." + path.getFileName() + "." + ProcessHandle.current().pid());
        return temporary.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES ? temporary : path;
    }

    /**
     * Runs until the listener closes. Nothing thrown for one connection ends it: a connection that
     * gets no thread is closed at once (and counted, see {@link ThreadFailures}), a failed accept
     * (e.g. out of file descriptors, which leaves the connection queued and would otherwise spin)
     * backs off from 10 ms doubling to 1 s, and repeated warnings are rate-limited.
     */
    private void acceptLoop() {
        ServerSocketChannel server = Objects.requireNonNull(this.server, "bound by start() before this thread");
        long backoffMillis = 0;
        while (!closed) {
            SocketChannel socket = null;
            try {
                socket = server.accept();
                backoffMillis = 0;
                admit(socket);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                acceptFailures.warn("accept failed: " + e.getMessage());
                backoffMillis = Math.clamp(backoffMillis * 2, MIN_BACKOFF_MILLIS, MAX_BACKOFF_MILLIS);
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    return; // stopAccepting()
                }
            } catch (Throwable t) {
                // "unable to create native thread" is an OutOfMemoryError the JVM survives (not a heap OOM)
                if (socket != null) {
                    closeQuietly(socket);
                }
                threadFailures.failed(t);
            }
        }
    }

    /** Serves the connection on its own thread, or closes it at once when over the cap. */
    private void admit(SocketChannel socket) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            closeQuietly(socket);
            refusals.warn("refused a connection: " + maxConnections + " connections are open (--max-connections)");
            return;
        }
        try {
            Thread.ofPlatform()
                    .daemon()
                    .stackSize(READER_STACK_BYTES)
                    .name("conn-" + accepted.incrementAndGet())
                    .start(() -> serve(socket));
        } catch (Throwable t) {
            open.decrementAndGet();
            throw t;
        }
        threadFailures.succeeded();
    }

    private void serve(SocketChannel socket) {
        RpcConnection connection = null;
        try {
            if (!Objects.requireNonNull(peerCheck, "set by start()").admits(socket)) {
                socket.close();
                return;
            }
            connection = new RpcConnection(socket, codec, dispatcher);
            connections.add(connection);
            connection.notifyServerPid(ProcessHandle.current().pid());
            connection.run();
        } catch (IOException e) {
            LOG.debug("connection setup failed: {}", e.toString());
            closeQuietly(socket);
        } finally {
            open.decrementAndGet();
            if (connection != null) {
                connections.remove(connection);
            }
        }
    }

    public Path path() {
        return path;
    }

    /** Connections currently open. */
    public int connectionCount() {
        return connections.size();
    }

    /** Closes every connection whose reply made no progress for the stall timeout: its peer stopped reading. */
    public void closeStalledWriters() {
        long now = System.nanoTime();
        for (RpcConnection c : connections) {
            if (c.closeIfWriteStalled(now, stallTimeout.toNanos())) {
                stalledWrites.warn(
                        "closed a connection whose peer read no reply for " + stallTimeout.toMillis() + " ms");
            }
        }
    }

    /** Why the listener can no longer serve (its accept thread died, or no new connection can be served), or null. */
    public @Nullable String failure() {
        if (!closed && acceptor != null && !acceptor.isAlive()) {
            return "the accept thread ended";
        }
        return threadFailures.verdict();
    }

    /** Stops accepting and removes the socket file if it is still the one we bound. */
    public void stopAccepting() {
        closed = true;
        try {
            if (server == null) {
                return; // never started: nothing bound, no socket file of ours
            }
            server.close();
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                    && inode != null
                    && inode.equals(Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS))) {
                Files.delete(path);
            }
        } catch (IOException e) {
            LOG.warn("removing {} failed: {}", path, e.toString());
        }
        if (acceptor != null) {
            acceptor.interrupt();
        }
    }

    /**
     * Stops accepting and closes every connection once the requests it already carries are
     * answered, waiting at most {@code grace}; whatever is still open after that is closed anyway.
     */
    public void close(Duration grace) throws InterruptedException {
        stopAccepting();
        connections.forEach(RpcConnection::closeWhenAnswered);
        long deadline = System.nanoTime() + grace.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        close();
    }

    /** Stops accepting and closes every open connection at once. */
    @Override
    public void close() {
        stopAccepting();
        connections.forEach(RpcConnection::close);
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("close failed: {}", e.toString());
        }
    }
}
