package dev.kongjava.pluginserver.internal.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kongjava.pluginserver.ProbePlugin;
import dev.kongjava.pluginserver.internal.Protocol;
import dev.kongjava.pluginserver.server.PluginServer;
import dev.kongjava.pluginserver.server.ServerOptions;
import dev.kongjava.testkit.KongConnection;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * Arbitrary bytes where Kong's MessagePack-RPC requests arrive: straight into the codec, and over a
 * real connection to a running server. A normal build runs the seeds in
 * {@code RpcBytesFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (see docs/fuzzing-and-soak.md).
 */
class RpcBytesFuzzTest {
    /** Small, so that length fields the fuzzer inflates hit the limit instead of the heap. */
    private static final long LIMIT = 64 * 1024;

    private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fuzz-watchdog");
        t.setDaemon(true);
        return t;
    });
    /** One server for all inputs; started directly, as plugin-server cannot use its harness (plugin-server-testing). */
    private static PluginServer server;

    private static Path dir;
    private static long nextMsgid = 1;

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
            server = null;
            Files.deleteIfExists(dir.resolve("probe.socket"));
            Files.delete(dir);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void anyBytesDecodeToValuesThatReencodeStablyOrFailAsMalformed(byte[] input) throws IOException {
        MsgpackCodec codec = new MsgpackCodec(LIMIT);
        MessageUnpacker in = MessagePack.newDefaultUnpacker(input);
        List<Object> values = new ArrayList<>();
        try {
            while (in.hasNext()) {
                values.add(codec.read(in, in.getTotalReadBytes()));
            }
        } catch (MalformedMessageException | EOFException expected) {
            // the connection would be closed here; anything else is a bug
        }
        for (Object value : values) {
            byte[] once = encode(codec, value);
            byte[] twice = encode(codec, codec.read(MessagePack.newDefaultUnpacker(once), 0));
            assertArrayEquals(once, twice, "decoding is not stable for " + value);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void anyBytesOnAConnectionGetWellFormedAnswersOrACloseAndTheServerKeepsServing(byte[] input) throws IOException {
        Path socket = server().socketPath();
        byte[] received = exchange(socket, input);
        assertWellFormed(received);
        try (KongConnection next = new KongConnection(socket)) {
            long msgid = nextMsgid++;
            KongConnection.Reply status = next.call(msgid, "plugin.GetStatus", List.of());
            assertNull(status.error(), "a fresh connection still gets answers");
            assertInstanceOf(Map.class, status.result());
        }
    }

    private static PluginServer server() throws IOException {
        if (server == null) {
            dir = Files.createTempDirectory("kps");
            server = PluginServer.start(
                    ServerOptions.builder(dir.resolve("probe.socket"))
                            .maxMessageBytes(LIMIT)
                            .eventTimeout(Duration.ofMillis(200))
                            .build(),
                    ProbePlugin.DEFINITION);
        }
        return server;
    }

    /** Writes the input, half-closes, reads until the server closes; fails if it neither answers nor closes. */
    private static byte[] exchange(Path socket, byte[] input) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        AtomicBoolean timedOut = new AtomicBoolean();
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(
                    () -> {
                        timedOut.set(true);
                        closeQuietly(channel);
                    },
                    ANSWER_BOUND.toMillis(),
                    TimeUnit.MILLISECONDS);
            try {
                ByteBuffer out = ByteBuffer.wrap(input);
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                channel.shutdownOutput();
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                while (channel.read(buffer.clear()) >= 0) {
                    received.write(buffer.array(), 0, buffer.position());
                }
            } catch (IOException e) {
                // the server may close while we still write: that is an answer too
                if (timedOut.get()) {
                    fail("the server neither answered nor closed the connection within " + ANSWER_BOUND);
                }
            } finally {
                watchdog.cancel(false);
            }
        }
        return received.toByteArray();
    }

    /** Only [2, "serverPid", pid] and [1, msgid, error-or-nil, result] frames; no internal errors. */
    private static void assertWellFormed(byte[] received) throws IOException {
        MessageUnpacker in = MessagePack.newDefaultUnpacker(received);
        MsgpackCodec codec = new MsgpackCodec(Long.MAX_VALUE);
        while (in.hasNext()) {
            List<?> frame = assertInstanceOf(List.class, codec.read(in, in.getTotalReadBytes()));
            long type = (Long) frame.get(0);
            if (type == Protocol.TYPE_NOTIFICATION) {
                assertEquals(List.of(2L, "serverPid", ProcessHandle.current().pid()), frame);
                continue;
            }
            assertEquals(Protocol.TYPE_RESPONSE, type, "frame " + frame);
            assertEquals(4, frame.size(), "frame " + frame);
            assertInstanceOf(Long.class, frame.get(1));
            Object error = frame.get(2);
            if (error != null) {
                String text = assertInstanceOf(String.class, error);
                assertFalse(text.startsWith("internal error"), text);
                assertNull(frame.get(3), "an error reply carries no result");
            }
        }
        assertTrue(received.length > 0, "at least the serverPid notification is sent on accept");
    }

    private static byte[] encode(MsgpackCodec codec, Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MessagePacker packer = MessagePack.newDefaultPacker(bytes);
        codec.write(packer, value);
        packer.flush();
        return bytes.toByteArray();
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
