package dev.kongjava.testkit;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.Value;

/**
 * One pooled cosocket as Kong uses it: one request at a time, notifications read (and remembered)
 * while waiting for the reply, the reply's msgid checked against the request's. Like Kong's
 * cosocket (OpenResty's 60 s read timeout) it waits for a reply at most its reply timeout; then it
 * closes the connection and fails with a {@link SocketTimeoutException} naming what it waited for,
 * so a server that never answers fails a test instead of hanging it.
 */
public final class KongConnection implements AutoCloseable {
    /** OpenResty's default {@code lua_socket_read_timeout}, which Kong does not change. */
    public static final Duration KONG_READ_TIMEOUT = Duration.ofSeconds(60);
    /** Closes connections whose reply is overdue: a blocked channel read ends when its channel closes. */
    private static final ScheduledThreadPoolExecutor ALARMS = alarms();

    private final SocketChannel socket;
    private final MessagePacker packer;
    private final MessageUnpacker unpacker;
    private final Duration replyTimeout;
    private volatile Long lastServerPid;
    private int callsMade;

    /** A reply {@code [1, msgid, error, result]}, decoded. */
    public record Reply(Object error, Object result) {
        public boolean ok() {
            return error == null;
        }
    }

    /** A connection that waits for each reply at most {@link #KONG_READ_TIMEOUT}, as Kong does. */
    public KongConnection(Path socketPath) throws IOException {
        this(socketPath, KONG_READ_TIMEOUT);
    }

    /** A connection that waits for each reply (and for sending its request) at most {@code replyTimeout}. */
    public KongConnection(Path socketPath, Duration replyTimeout) throws IOException {
        this.socket = SocketChannel.open(UnixDomainSocketAddress.of(socketPath));
        this.packer = MessagePack.newDefaultPacker(socket);
        this.unpacker = MessagePack.newDefaultUnpacker(socket);
        this.replyTimeout = replyTimeout;
    }

    /** Sends {@code [0, msgid, method, params]} and returns the matching reply. */
    public Reply call(long msgid, String method, List<?> params) throws IOException {
        return withinReplyTimeout("reply to " + method + " (msgid " + msgid + ")", () -> {
            send(msgid, method, params);
            return read(msgid);
        });
    }

    /** Sends {@code [0, msgid, method, params]} without reading the reply (e.g. a peer that stops reading). */
    public void send(long msgid, String method, List<?> params) throws IOException {
        callsMade++;
        packer.packArrayHeader(4);
        packer.packInt(0);
        packer.packLong(msgid);
        packer.packString(method);
        packer.packValue(WireValues.toValue(params));
        packer.flush();
    }

    /** Writes raw bytes (hostile-input tests) without reading anything. */
    public void writeRaw(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            socket.write(buffer);
        }
    }

    /** Reads until the reply to {@code msgid}, recording serverPid notifications on the way. */
    public Reply readReply(long msgid) throws IOException {
        return withinReplyTimeout("reply to msgid " + msgid, () -> read(msgid));
    }

    /**
     * Runs {@code io}, closing the connection if it takes longer than the reply timeout; the IOException
     * that closing causes in a blocked read or write becomes a timeout naming {@code awaited}.
     */
    private Reply withinReplyTimeout(String awaited, ReplyIo io) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> alarm = ALARMS.schedule(
                () -> {
                    expired.set(true);
                    closeQuietly();
                },
                replyTimeout.toNanos(),
                TimeUnit.NANOSECONDS);
        try {
            return io.run();
        } catch (IOException e) {
            if (expired.get()) {
                SocketTimeoutException timeout =
                        new SocketTimeoutException("no " + awaited + " from the plugin server within "
                                + replyTimeout.toMillis() + " ms; gave up and closed the connection");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    /** One daemon thread; a cancelled alarm leaves the queue at once (a test may make a million calls a minute). */
    private static ScheduledThreadPoolExecutor alarms() {
        ScheduledThreadPoolExecutor alarms = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("kong-connection-timeouts").daemon().factory());
        alarms.setRemoveOnCancelPolicy(true);
        return alarms;
    }

    private interface ReplyIo {
        Reply run() throws IOException;
    }

    private Reply read(long msgid) throws IOException {
        while (true) {
            if (!unpacker.hasNext()) {
                throw new IOException("closed");
            }
            Value message = unpacker.unpackValue();
            ArrayValue array = message.asArrayValue();
            long type = array.get(0).asIntegerValue().toLong();
            if (type == 2) {
                if ("serverPid".equals(array.get(1).toString())) {
                    lastServerPid = array.get(2).asIntegerValue().toLong();
                }
                continue;
            }
            if (type != 1) {
                throw new IOException("RPC response expected, got type " + type);
            }
            long id = array.get(1).asIntegerValue().toLong();
            if (id != msgid) {
                throw new IOException("unexpected RPC response ID " + id + ", expected " + msgid);
            }
            return new Reply(WireValues.fromValue(array.get(2)), WireValues.fromValue(array.get(3)));
        }
    }

    /** The pid from the last serverPid notification seen on this connection, or null. */
    public Long lastServerPid() {
        return lastServerPid;
    }

    /** How many calls this connection has carried (a reused pooled connection has carried some). */
    public int callsMade() {
        return callsMade;
    }

    public boolean isClosed() {
        return !socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the reply is overdue either way; the caller's read fails on the closed channel
        }
    }
}
