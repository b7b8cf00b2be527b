package dev.kongjava.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;

/**
 * A plugin server that stops answering makes Kong's side fail within its reply timeout, with a
 * message naming what it waited for, instead of hanging the test.
 */
class FakeKongReplyTimeoutTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofMillis(500);
    /** Scheduling slack on a loaded machine; a missing bound would hang until the JUnit timeout. */
    private static final Duration MARGIN = Duration.ofSeconds(5);

    private Path dir;
    private MuteServer server;

    @BeforeEach
    void start() throws IOException {
        dir = TempDirs.create("kong-timeout");
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        TempDirs.deleteRecursively(dir);
    }

    @Test
    void aServerThatNeverAnswersFailsTheCallWithinTheReplyTimeoutNamingTheMethod() throws IOException {
        server = new MuteServer(dir.resolve("mute.socket"), 0);
        try (FakeKong kong = FakeKong.connect(server.socket).replyTimeout(REPLY_TIMEOUT)) {
            long start = System.nanoTime();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> kong.call("plugin.GetStatus"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertEquals(
                    "rpc plugin.GetStatus failed: no reply to plugin.GetStatus (msgid 1) from the plugin server"
                            + " within 500 ms; gave up and closed the connection",
                    e.getMessage());
            assertTrue(
                    millis >= REPLY_TIMEOUT.toMillis()
                            && millis < REPLY_TIMEOUT.plus(MARGIN).toMillis(),
                    "failed after " + millis + " ms");
        }
    }

    @Test
    void aReplyThatNeverComesOnAPooledConnectionIsNotRequestedAgainOnANewOne() throws IOException {
        server = new MuteServer(dir.resolve("mute.socket"), 1);
        try (FakeKong kong = FakeKong.connect(server.socket).replyTimeout(REPLY_TIMEOUT)) {
            assertTrue(kong.call("plugin.GetStatus").ok(), "the first call on the connection is answered");
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> kong.call("plugin.GetStatus"));
            assertTrue(e.getMessage().contains("no reply to plugin.GetStatus (msgid 2)"), e.getMessage());
            assertEquals(1, kong.connectionsOpened(), "no retry on a fresh connection");
            assertEquals(2, server.requests.get(), "the request was sent once");
        }
    }

    @Test
    void readingAReplyDirectlyIsBoundedToo() throws IOException {
        server = new MuteServer(dir.resolve("mute.socket"), 0);
        try (KongConnection c = new KongConnection(server.socket, REPLY_TIMEOUT)) {
            c.writeRaw(new byte[] {(byte) 0x94, 0x00, 0x07, (byte) 0xa1, 'x', (byte) 0x90});
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> c.readReply(7));
            assertEquals(
                    "no reply to msgid 7 from the plugin server within 500 ms; gave up and closed the connection",
                    e.getMessage());
            assertTrue(c.isClosed());
        }
    }

    /** Reads requests on every connection, answers the first {@code answered} of each, then none. */
    private static final class MuteServer implements AutoCloseable {
        final Path socket;
        final AtomicInteger requests = new AtomicInteger();
        private final ServerSocketChannel channel;
        private final int answered;

        MuteServer(Path socket, int answered) throws IOException {
            this.socket = socket;
            this.answered = answered;
            this.channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(this::accept);
        }

        private void accept() {
            try {
                while (true) {
                    SocketChannel c = channel.accept();
                    Thread.ofVirtual().start(() -> serve(c));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void serve(SocketChannel c) {
            try (c;
                    MessageUnpacker in = MessagePack.newDefaultUnpacker(c);
                    MessagePacker out = MessagePack.newDefaultPacker(c)) {
                for (int n = 0; in.hasNext(); n++) {
                    ArrayValue request = in.unpackValue().asArrayValue();
                    requests.incrementAndGet();
                    if (n < answered) {
                        out.packArrayHeader(4)
                                .packInt(1)
                                .packLong(request.get(1).asIntegerValue().toLong())
                                .packNil()
                                .packValue(WireValues.toValue(List.of()));
                        out.flush();
                    }
                }
            } catch (IOException closed) {
                // Kong's side gave up on this connection
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
