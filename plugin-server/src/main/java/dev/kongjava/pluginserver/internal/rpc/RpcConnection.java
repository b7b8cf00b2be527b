package dev.kongjava.pluginserver.internal.rpc;

import dev.kongjava.pluginserver.internal.Protocol;
import dev.kongjava.pluginserver.internal.event.Reply;
import dev.kongjava.pluginserver.plugin.RateLimitedLog;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted Kong connection: reads {@code [0, msgid, method, params]} requests one after the
 * other and hands them to the dispatcher; replies may be written later by an event's thread, so
 * writes are serialised by a lock. Idle connections are never closed (Kong pools them).
 *
 * <p>A peer that stops reading blocks the writer holding the lock, and everyone queued behind it,
 * on this connection only: nothing outside waits for this lock, and {@link #closeIfWriteStalled}
 * (called periodically) closes the socket once a write has made no progress for a bound, which
 * ends the blocked write.
 */
final class RpcConnection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcConnection.class);
    /** Refusals repeat per request under load; one line per interval says how many there were. */
    private static final RateLimitedLog REFUSALS = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    /** Bytes per socket write, so a large reply shows progress while the peer reads it. */
    private static final int WRITE_CHUNK = 64 * 1024;

    private final SocketChannel socket;
    private final MsgpackCodec codec;
    private final RpcDispatcher dispatcher;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final MessagePacker packer;
    private final MessageUnpacker unpacker;
    /** Requests handed to the dispatcher and not yet answered. */
    private final AtomicInteger unanswered = new AtomicInteger();
    /** What those requests hold of the in-flight budget; given back when answered or on close. */
    private final Set<Frame> held = ConcurrentHashMap.newKeySet();
    /** Set by {@link #closeWhenAnswered()}. */
    private volatile boolean closeWhenAnswered;
    /** When the write in progress last made progress (or began); 0 while nothing is being written. */
    private volatile long writeProgressNanos;

    RpcConnection(SocketChannel socket, MsgpackCodec codec, RpcDispatcher dispatcher) {
        this.socket = socket;
        this.codec = codec;
        this.dispatcher = dispatcher;
        // Straight on the channel: it has separate read and write locks, so an event thread can
        // write a reply while this connection's thread is blocked reading the next request.
        this.unpacker = MessagePack.newDefaultUnpacker(socket);
        this.packer = MessagePack.newDefaultPacker(new ProgressChannel());
    }

    /** Sends {@code [2, "serverPid", pid]}: a new pid tells Kong to forget cached instances. */
    void notifyServerPid(long pid) throws IOException {
        write(p -> {
            p.packArrayHeader(3);
            p.packInt(Protocol.TYPE_NOTIFICATION);
            p.packString(Protocol.NOTIFY_SERVER_PID);
            p.packLong(pid);
        });
    }

    @Override
    public void run() {
        try {
            while (unpacker.hasNext()) {
                readOne();
            }
        } catch (MalformedMessageException e) {
            LOG.warn("closing connection: {}", e.getMessage());
        } catch (MessageInsufficientBufferException | EOFException e) {
            LOG.debug("connection closed in the middle of a message");
        } catch (MessagePackException e) {
            LOG.warn("closing connection: not MessagePack ({})", e.getMessage());
        } catch (IOException e) {
            LOG.debug("connection ended: {}", e.toString());
        } finally {
            close();
        }
    }

    /** Reads one request; the envelope is read field by field so errors can still name the msgid. */
    private void readOne() throws IOException {
        Frame frame = codec.frame(unpacker.getTotalReadBytes());
        try {
            readOne(frame);
        } catch (IOException | RuntimeException e) {
            frame.release();
            throw e;
        }
    }

    private void readOne(Frame frame) throws IOException {
        MessageFormat format = unpacker.getNextFormat();
        if (format.getValueType() != ValueType.ARRAY) {
            codec.read(unpacker, frame);
            frame.release();
            reply(0, "malformed request: expected [0, msgid, method, params], got a " + format.getValueType(), null);
            return;
        }
        int size = unpacker.unpackArrayHeader();
        codec.checkSize(unpacker, size, frame); // each element takes at least one byte
        // Only the four envelope parts are kept: a declared size must not decide what is allocated.
        Object[] parts = new Object[4];
        for (int i = 0; i < size; i++) {
            Object part;
            try {
                part = codec.read(unpacker, frame);
            } catch (MessageTooLargeException e) {
                if (i > 1 && parts[1] instanceof Long id) {
                    reply(id, String.valueOf(e.getMessage()), null); // tell Kong why before the stream is given up
                }
                throw e;
            }
            if (i < parts.length) {
                parts[i] = part;
            }
        }
        long msgid = size > 1 && parts[1] instanceof Long id ? id : 0;
        if (size != 4
                || !(parts[0] instanceof Long type)
                || type != Protocol.TYPE_REQUEST
                || !(parts[1] instanceof Long)
                || !(parts[2] instanceof String method)) {
            frame.release();
            reply(msgid, "malformed request: expected [0, msgid, method, params]", null);
            return;
        }
        if (!(parts[3] instanceof List<?> params)) {
            frame.release();
            reply(msgid, "malformed request: params of " + method + " must be an array", null);
            return;
        }
        LOG.debug("rpc {} {}", msgid, method);
        ConnectionReply reply = new ConnectionReply(msgid, frame);
        String refusal = frame.refusal();
        if (refusal != null) {
            REFUSALS.warn("refused request " + msgid + " (" + method + "): " + refusal);
            dispatcher.refuse(method, params, refusal, frame.overBudget(), reply);
        } else {
            dispatcher.dispatch(method, params, reply);
        }
    }

    private void reply(long msgid, @Nullable String error, @Nullable Object result) {
        try {
            write(p -> {
                p.packArrayHeader(4);
                p.packInt(Protocol.TYPE_RESPONSE);
                p.packLong(msgid);
                codec.write(p, error);
                codec.write(p, result);
            });
        } catch (IOException e) {
            LOG.debug("reply {} not delivered: {}", msgid, e.toString());
            close();
        }
    }

    private interface Packing {
        void pack(MessagePacker packer) throws IOException;
    }

    /** Writes one message under the write lock; {@link #writeProgressNanos} tells a stalled write. */
    private void write(Packing message) throws IOException {
        writeLock.lock();
        writeProgressNanos = System.nanoTime();
        try {
            message.pack(packer);
            packer.flush();
        } finally {
            writeProgressNanos = 0;
            writeLock.unlock();
        }
    }

    /**
     * Closes the connection when a write has made no progress for {@code boundNanos}: the peer does
     * not read. Closing the channel ends the blocked write; it takes no lock, so it never waits.
     */
    boolean closeIfWriteStalled(long now, long boundNanos) {
        long progress = writeProgressNanos;
        if (progress == 0 || now - progress < boundNanos) {
            return false;
        }
        close();
        return true;
    }

    /**
     * Graceful close: at once if every request read so far has its reply, else right after the last
     * one is written. An event that ends frees itself before its thread writes the final reply, so
     * closing at once on shutdown could cut off an answer Kong is already owed. Never waits for a
     * write in progress: a reply counts as answered only once written, and whichever of the two
     * sides comes second closes.
     */
    void closeWhenAnswered() {
        closeWhenAnswered = true;
        if (unanswered.get() == 0) {
            close();
        }
    }

    /** Closes the socket; what unanswered requests hold of the in-flight budget is given back. */
    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("close failed: {}", e.toString());
        }
        held.forEach(Frame::release);
    }

    /** Counts how far the write in progress got; chunked so that a large reply shows progress. */
    private final class ProgressChannel implements WritableByteChannel {
        @Override
        public int write(ByteBuffer source) throws IOException {
            int limit = source.limit();
            source.limit(Math.min(limit, source.position() + WRITE_CHUNK));
            try {
                int written = socket.write(source);
                if (written > 0) {
                    writeProgressNanos = System.nanoTime();
                }
                return written;
            } finally {
                source.limit(limit);
            }
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The reply slot of one request; the first answer wins, later ones are bugs and are dropped. */
    private final class ConnectionReply implements Reply {
        private final long msgid;
        /** What the request holds of the in-flight budget until it is answered. */
        private final Frame frame;

        private final AtomicBoolean sent = new AtomicBoolean();
        /** Set by {@link #retain()}: the charge outlives the answer. */
        private volatile boolean retained;

        ConnectionReply(long msgid, Frame frame) {
            this.msgid = msgid;
            this.frame = frame;
            unanswered.incrementAndGet();
            held.add(frame);
        }

        @Override
        public void result(Object value) {
            send(null, value);
        }

        @Override
        public void error(String message) {
            LOG.debug("rpc {} error: {}", msgid, message);
            send(message, null);
        }

        @Override
        public Runnable retain() {
            retained = true;
            return () -> {
                frame.release();
                held.remove(frame); // until then close() gives it back, like any unanswered request's
            };
        }

        private void send(@Nullable String error, @Nullable Object value) {
            if (!sent.compareAndSet(false, true)) {
                LOG.warn("second reply to request {} dropped", msgid);
                return;
            }
            try {
                reply(msgid, error, value);
            } finally {
                if (!retained) {
                    frame.release();
                    held.remove(frame);
                }
            }
            if (unanswered.decrementAndGet() == 0 && closeWhenAnswered) {
                close();
            }
        }
    }
}
