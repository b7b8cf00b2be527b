package dev.kongjava.bench;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * One connection as Kong's mp_rpc uses it: {@code [0, msgid, method, [param]]}, one outstanding
 * request, notifications read and skipped while waiting, the reply's msgid checked. JDK
 * {@code UnixDomainSocketAddress} channels, the same kind our server uses.
 */
final class RpcClient implements AutoCloseable {
    private final SocketChannel channel;
    private final MessagePacker packer;
    private final MessageUnpacker unpacker;
    private long msgid;

    /** A reply whose error element was not nil. */
    static final class RpcError extends IOException {
        private static final long serialVersionUID = 1L;

        RpcError(String message) {
            super(message);
        }
    }

    RpcClient(Path socket) throws IOException {
        channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        packer = MessagePack.newDefaultPacker(channel);
        unpacker = MessagePack.newDefaultUnpacker(channel);
    }

    /** Sends one request and returns the reply's result; a non-nil error throws {@link RpcError}. */
    Object call(String method, Object param) throws IOException {
        long id = ++msgid;
        packer.packArrayHeader(4);
        packer.packInt(0);
        packer.packLong(id);
        packer.packString(method);
        packer.packArrayHeader(1);
        Msgpack.write(packer, param);
        packer.flush();
        while (true) {
            if (!unpacker.hasNext()) {
                throw new IOException("connection closed while waiting for " + method);
            }
            Object message = Msgpack.read(unpacker);
            if (!(message instanceof List<?> parts) || parts.isEmpty()) {
                throw new IOException("not an RPC message: " + message);
            }
            if (Long.valueOf(2).equals(parts.get(0))) {
                continue; // serverPid notification
            }
            if (!Long.valueOf(1).equals(parts.get(0)) || !Long.valueOf(id).equals(parts.get(1))) {
                throw new IOException("unexpected reply " + message + " to msgid " + id);
            }
            if (parts.get(2) != null) {
                throw new RpcError(String.valueOf(parts.get(2)));
            }
            return parts.get(3);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
