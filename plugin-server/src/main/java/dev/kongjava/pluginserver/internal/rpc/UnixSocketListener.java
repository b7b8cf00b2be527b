package dev.kongjava.pluginserver.internal.rpc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Unix socket Kong connects to: replaces a stale socket file, binds with a large backlog,
 * restricts the file's mode, checks each peer's uid and reads every connection on its own thread.
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

    private final Path path;
    private final Set<Integer> allowedUids;
    private final Set<UserPrincipal> allowedUsers = new HashSet<>();
    private final Set<PosixFilePermission> mode;
    private final MsgpackCodec codec;
    private final RpcDispatcher dispatcher;
    private final Set<String> refusedUidsLogged = ConcurrentHashMap.newKeySet();
    private final Set<RpcConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private ServerSocketChannel server;
    private Object inode;
    private UserPrincipal owner;
    private UserPrincipal root;
    private Object ownerGroup;
    private volatile boolean closed;
    private Thread acceptor;

    /**
     * @param mode file mode of the socket, e.g. {@code rw-------}
     * @param allowedUids peer uids to accept; empty means "whoever the file mode admits"
     */
    public UnixSocketListener(Path path, Set<PosixFilePermission> mode, Set<Integer> allowedUids,
            MsgpackCodec codec, RpcDispatcher dispatcher) {
        this.path = path;
        this.mode = Set.copyOf(mode);
        this.allowedUids = Set.copyOf(allowedUids);
        this.codec = codec;
        this.dispatcher = dispatcher;
    }

    /** Binds and starts accepting; fails if the path holds something that is not a socket. */
    public void start() throws IOException {
        boolean stale = checkExistingFile();
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        root = users.lookupPrincipalByName("0");
        for (int uid : allowedUids) {
            allowedUsers.add(users.lookupPrincipalByName(Integer.toString(uid))); // equal by uid
        }
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
        owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        ownerGroup = Files.getAttribute(path, "posix:group", LinkOption.NOFOLLOW_LINKS);
        LOG.info("listening on {} (mode {})", path, PosixFilePermissions.toString(mode));
        acceptor = Thread.ofPlatform().daemon().name("accept").start(this::acceptLoop);
    }

    /** True when a stale socket is there to replace; fails on anything that is not a socket. */
    private boolean checkExistingFile() throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            Path dir = path.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
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
        Path temporary = path.resolveSibling("." + path.getFileName() + "." + ProcessHandle.current().pid());
        return temporary.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES ? temporary : path;
    }

    private void acceptLoop() {
        long pid = ProcessHandle.current().pid();
        while (!closed) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.error("accept failed: {}", e.toString());
                }
                continue;
            }
            accepted.incrementAndGet();
            Thread.ofPlatform().daemon().stackSize(READER_STACK_BYTES).name("conn-" + accepted.get())
                    .start(() -> serve(socket, pid));
        }
    }

    private void serve(SocketChannel socket, long pid) {
        RpcConnection connection = null;
        try {
            if (!peerAllowed(socket)) {
                socket.close();
                return;
            }
            connection = new RpcConnection(socket, codec, dispatcher);
            connections.add(connection);
            connection.notifyServerPid(pid);
            connection.run();
        } catch (IOException e) {
            LOG.debug("connection setup failed: {}", e.toString());
            closeQuietly(socket);
        } finally {
            if (connection != null) {
                connections.remove(connection);
            }
        }
    }

    private boolean peerAllowed(SocketChannel socket) throws IOException {
        UnixDomainPrincipal peer = socket.getOption(ExtendedSocketOptions.SO_PEERCRED);
        boolean ok = allowedUsers.isEmpty() ? modeAdmits(peer) : allowedUsers.contains(peer.user());
        if (!ok && refusedUidsLogged.add(peer.user().getName())) {
            LOG.warn("refused a connection from user {}; further refusals of this user are not logged",
                    peer.user().getName());
        }
        return ok;
    }

    private boolean modeAdmits(UnixDomainPrincipal peer) {
        if (peer.user().equals(owner) || peer.user().equals(root)
                || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            return true;
        }
        return peer.group().equals(ownerGroup) && mode.contains(PosixFilePermission.GROUP_WRITE);
    }

    public Path path() {
        return path;
    }

    /** Connections currently open. */
    public int connectionCount() {
        return connections.size();
    }

    /** Stops accepting and removes the socket file if it is still the one we bound. */
    public void stopAccepting() {
        closed = true;
        try {
            server.close();
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
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
