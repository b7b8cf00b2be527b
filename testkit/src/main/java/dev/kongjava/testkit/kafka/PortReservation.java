package dev.kongjava.testkit.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * Keeps a 127.0.0.1 TCP port for one broker listener for the broker's whole life, also while it is
 * stopped for a fault test.
 *
 * <p>The port is held by a bound socket that never listens. Connections to it are refused as with
 * any closed port, the kernel does not hand it out to other sockets binding port 0 or connecting
 * out, and Kafka's own listener (which sets SO_REUSEADDR, as does this socket) can still bind it.
 */
final class PortReservation implements AutoCloseable {
    private static final String HOST = "127.0.0.1";

    private final Socket socket;

    private PortReservation(Socket socket) {
        this.socket = socket;
    }

    /** Reserves a free port chosen by the kernel. */
    static PortReservation anyFreePort() {
        Socket socket = new Socket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(HOST, 0));
            return new PortReservation(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot reserve a free port on " + HOST, e);
        }
    }

    /** Reserves one free port per listener. */
    static Map<Listener, PortReservation> forEach(Collection<Listener> listeners) {
        Map<Listener, PortReservation> reserved = new EnumMap<>(Listener.class);
        for (Listener listener : listeners) {
            reserved.put(listener, anyFreePort());
        }
        return reserved;
    }

    int port() {
        return socket.getLocalPort();
    }

    String hostAndPort() {
        return HOST + ":" + port();
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing an unconnected socket only releases the port; nothing is lost if it fails.
        }
    }
}
