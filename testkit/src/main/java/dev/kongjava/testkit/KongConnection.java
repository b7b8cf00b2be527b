package dev.kongjava.testkit;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ArrayValue;
import org.msgpack.value.Value;

/**
 * One pooled cosocket as Kong uses it: one request at a time, notifications read (and remembered)
 * while waiting for the reply, the reply's msgid checked against the request's.
 */
public final class KongConnection implements AutoCloseable {
    private final SocketChannel socket;
    private final MessagePacker packer;
    private final MessageUnpacker unpacker;
    private volatile Long lastServerPid;
    private int callsMade;

    /** A reply {@code [1, msgid, error, result]}, decoded. */
    public record Reply(Object error, Object result) {
        public boolean ok() {
            return error == null;
        }
    }

    public KongConnection(Path socketPath) throws IOException {
        this.socket = SocketChannel.open(UnixDomainSocketAddress.of(socketPath));
        this.packer = MessagePack.newDefaultPacker(socket);
        this.unpacker = MessagePack.newDefaultUnpacker(socket);
    }

    /** Sends {@code [0, msgid, method, params]} and returns the matching reply. */
    public Reply call(long msgid, String method, List<?> params) throws IOException {
        send(msgid, method, params);
        return readReply(msgid);
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
}
