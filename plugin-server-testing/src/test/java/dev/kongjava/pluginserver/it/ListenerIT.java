package dev.kongjava.pluginserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.server.PluginServer;
import dev.kongjava.pluginserver.server.ServerOptions;
import dev.kongjava.pluginserver.testing.TestServer;
import dev.kongjava.testkit.KongConnection;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The socket file, its permissions, peer checks and many concurrent connections. */
class ListenerIT {
    @Test
    void theSocketFileIsOwnerOnlyByDefault() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.socket())));
        }
    }

    @Test
    void theSocketModeCanBeWidenedForAGroup() throws Exception {
        try (TestServer s = TestServer.start(
                o -> o.socketMode(PosixFilePermissions.fromString("rw-rw----")), ProbePlugin.DEFINITION)) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.socket())));
        }
    }

    /**
     * Kong (and an operator's `test -S`) may connect the moment the path exists: it must already
     * listen and have its final mode. A watcher spins on the path while the server starts.
     */
    @Test
    void theSocketPathAppearsOnlyOnceItListensAndWithItsFinalMode() throws Exception {
        Path dir = Files.createTempDirectory("kps");
        Path socket = dir.resolve("probe.socket");
        for (int round = 0; round < 40; round++) {
            AtomicReference<String> seen = new AtomicReference<>("the path never appeared");
            Thread watcher = Thread.ofPlatform().start(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                try {
                    String mode = PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS));
                    SocketChannel.open(UnixDomainSocketAddress.of(socket)).close();
                    seen.set(mode + ", connected");
                } catch (IOException e) {
                    seen.set(e.toString());
                }
            });
            PluginServer server = PluginServer.start(ServerOptions.defaults(socket), ProbePlugin.DEFINITION);
            watcher.join(TimeUnit.SECONDS.toMillis(15));
            server.close();
            assertEquals("rw-------, connected", seen.get(), "round " + round);
        }
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "no temporary or socket file left behind");
        }
        Files.delete(dir);
    }

    @Test
    void aStaleSocketFileIsReplacedAndRemovedOnClose() throws Exception {
        Path dir = Files.createTempDirectory("kps");
        Path socket = dir.resolve("probe.socket");
        PluginServer first = PluginServer.start(ServerOptions.defaults(socket), ProbePlugin.DEFINITION);
        // a second server on the same path replaces the socket, as on `kong reload`
        PluginServer second = PluginServer.start(ServerOptions.defaults(socket), ProbePlugin.DEFINITION);
        first.close();
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the old server must not delete the new socket");
        try (KongConnection c = new KongConnection(socket)) {
            assertNull(c.call(1, "plugin.GetStatus", List.of()).error());
        }
        second.close();
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        Files.delete(dir);
    }

    @Test
    void aRegularFileAtTheSocketPathIsNeverDeleted() throws Exception {
        Path dir = Files.createTempDirectory("kps");
        Path file = Files.writeString(dir.resolve("probe.socket"), "data");
        IOException e = assertThrows(
                IOException.class, () -> PluginServer.start(ServerOptions.defaults(file), ProbePlugin.DEFINITION));
        assertEquals("refusing to replace " + file + ": it exists and is not a socket", e.getMessage());
        assertEquals("data", Files.readString(file));
        Files.delete(file);
        Files.delete(dir);
    }

    @Test
    void aMissingSocketDirectoryIsAClearError() {
        Path socket = Path.of("/nonexistent-kong-prefix/probe.socket");
        IOException e = assertThrows(
                IOException.class, () -> PluginServer.start(ServerOptions.defaults(socket), ProbePlugin.DEFINITION));
        assertEquals(
                "cannot create socket " + socket + ": directory /nonexistent-kong-prefix does not exist "
                        + "(is --kong-prefix or --socket right?)",
                e.getMessage());
    }

    @Test
    void aPeerWhoseUidIsNotAllowedIsDisconnected() throws Exception {
        int myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        try (TestServer s = TestServer.start(o -> o.allowedUids(Set.of(myUid + 4242)), ProbePlugin.DEFINITION);
                KongConnection c = new KongConnection(s.socket())) {
            assertThrows(IOException.class, () -> c.call(1, "plugin.GetStatus", List.of()));
        }
        try (TestServer s = TestServer.start(o -> o.allowedUids(Set.of(myUid)), ProbePlugin.DEFINITION);
                KongConnection c = new KongConnection(s.socket())) {
            assertNull(c.call(1, "plugin.GetStatus", List.of()).error());
        }
    }

    @Test
    void fiveHundredTwelveConcurrentConnectionsAreServedAndKeptOpen() throws Exception {
        try (TestServer s = TestServer.start(ProbePlugin.DEFINITION)) {
            List<KongConnection> connections = new ArrayList<>();
            for (int i = 0; i < 512; i++) {
                connections.add(new KongConnection(s.socket()));
            }
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger ok = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (KongConnection c : connections) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                        for (int i = 1; i <= 3; i++) {
                            if (c.call(i, "plugin.GetStatus", List.of()).ok()) {
                                ok.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(3 * 512, ok.get());
            assertEquals(512, s.server().status().connections(), "idle connections are never closed");
            for (KongConnection c : connections) {
                c.close();
            }
        }
    }
}
