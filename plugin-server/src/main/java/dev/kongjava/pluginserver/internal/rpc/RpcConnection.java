package dev.kongjava.pluginserver.internal.rpc;

import dev.kongjava.pluginserver.internal.event.Reply;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
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
 */
final class RpcConnection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcConnection.class);
    /** Refusals repeat per request under load; one line per interval says how many there were. */
    private static final RateLimitedLog REFUSALS = new RateLimitedLog(LOG, Duration.ofSeconds(10));

    private final SocketChannel socket;
    private final MsgpackCodec codec;
    private final RpcDispatcher dispatcher;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final MessagePacker packer;
    private final MessageUnpacker unpacker;
    /** Requests handed to the dispatcher and not yet answered; guarded by {@link #writeLock}. */
    private final Set<ConnectionReply> pending = new HashSet<>();
    /** Set by {@link #closeWhenAnswered()}; guarded by {@link #writeLock}. */
    private boolean closeWhenAnswered;

    RpcConnection(SocketChannel socket, MsgpackCodec codec, RpcDispatcher dispatcher) {
        this.socket = socket;
        this.codec = codec;
        this.dispatcher = dispatcher;
        // Straight on the channel: it has separate read and write locks, so an event thread can
        // write a reply while this connection's thread is blocked reading the next request.
        this.unpacker = MessagePack.newDefaultUnpacker(socket);
        this.packer = MessagePack.newDefaultPacker(socket);
    }

    /** Sends {@code [2, "serverPid", pid]}: a new pid tells Kong to forget cached instances. */
    void notifyServerPid(long pid) throws IOException {
        writeLock.lock();
        try {
            packer.packArrayHeader(3);
            packer.packInt(Protocol.TYPE_NOTIFICATION);
            packer.packString(Protocol.NOTIFY_SERVER_PID);
            packer.packLong(pid);
            packer.flush();
        } finally {
            writeLock.unlock();
        }
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
                    reply(id, e.getMessage(), null); // tell Kong why before the stream is given up
                }
                throw e;
            }
            if (i < parts.length) {
                parts[i] = part;
            }
        }
        long msgid = size > 1 && parts[1] instanceof Long id ? id : 0;
        if (size != 4 || !(parts[0] instanceof Long type) || type != Protocol.TYPE_REQUEST
                || !(parts[1] instanceof Long) || !(parts[2] instanceof String method)) {
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
        ConnectionReply reply = pending(new ConnectionReply(msgid, frame));
        if (frame.refused()) {
            REFUSALS.warn("refused request {} ({}): {}", msgid, method, frame.refusal());
            dispatcher.refuse(method, params, frame.refusal(), frame.overBudget(), reply);
        } else {
            dispatcher.dispatch(method, params, reply);
        }
    }

    /** Counts a request as handed over and not yet answered. */
    private ConnectionReply pending(ConnectionReply reply) {
        writeLock.lock();
        try {
            pending.add(reply);
            return reply;
        } finally {
            writeLock.unlock();
        }
    }

    private void reply(long msgid, String error, Object result) {
        writeLock.lock();
        try {
            packer.packArrayHeader(4);
            packer.packInt(Protocol.TYPE_RESPONSE);
            packer.packLong(msgid);
            codec.write(packer, error);
            codec.write(packer, result);
            packer.flush();
        } catch (IOException e) {
            LOG.debug("reply {} not delivered: {}", msgid, e.toString());
            close();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Graceful close: at once if every request read so far has its reply, else right after the last
     * one is written. An event that ends frees itself before its thread writes the final reply, so
     * closing at once on shutdown could cut off an answer Kong is already owed.
     */
    void closeWhenAnswered() {
        writeLock.lock();
        try {
            closeWhenAnswered = true;
            if (pending.isEmpty()) {
                close();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Closes the socket; what unanswered requests hold of the in-flight budget is given back. */
    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("close failed: {}", e.toString());
        }
        writeLock.lock();
        try {
            pending.forEach(r -> r.frame.release());
        } finally {
            writeLock.unlock();
        }
    }

    /** The reply slot of one request; the first answer wins, later ones are bugs and are dropped. */
    private final class ConnectionReply implements Reply {
        private final long msgid;
        /** What the request holds of the in-flight budget until it is answered. */
        private final Frame frame;
        private boolean sent;

        ConnectionReply(long msgid, Frame frame) {
            this.msgid = msgid;
            this.frame = frame;
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

        private void send(String error, Object value) {
            writeLock.lock();
            try {
                if (sent) {
                    LOG.warn("second reply to request {} dropped", msgid);
                    return;
                }
                sent = true;
                pending.remove(this);
                reply(msgid, error, value);
                if (closeWhenAnswered && pending.isEmpty()) {
                    close();
                }
            } finally {
                writeLock.unlock();
                frame.release();
            }
        }
    }
}
