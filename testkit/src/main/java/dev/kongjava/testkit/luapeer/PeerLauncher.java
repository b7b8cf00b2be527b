package dev.kongjava.testkit.luapeer;

import dev.kongjava.testkit.TempDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts a peer: writes a prefix, starts nginx and waits for {@code GET /__peer/health}. A free
 * port can be taken by someone else between choosing and binding it, so that case is retried on a
 * new port; every other failure is reported with nginx's own words.
 */
final class PeerLauncher {
    private static final int FREE_PORT_ATTEMPTS = 3;
    private static final long POLL_MILLIS = 20;

    private PeerLauncher() {}

    /** Thrown when nginx could not bind the port we picked; only then is a retry worth it. */
    private static final class PortInUseException extends IOException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }

    static LuaPeer start(PeerSettings s) throws IOException {
        String reason = PeerPrerequisites.unavailableReason();
        if (reason != null && s.nginx().equals(LuaPeer.DEFAULT_NGINX)) {
            throw new IllegalStateException(reason);
        }
        int attempts = s.freePort() ? FREE_PORT_ATTEMPTS : 1;
        PortInUseException last = null;
        for (int i = 0; i < attempts; i++) {
            Path prefix = s.prefixDir() != null ? s.prefixDir() : Files.createTempDirectory("kpeer-");
            int port = s.freePort() ? freePort() : s.port();
            try {
                return startOnce(s, prefix, port);
            } catch (PortInUseException e) {
                last = e;
            }
        }
        throw last;
    }

    private static LuaPeer startOnce(PeerSettings s, Path prefix, int port) throws IOException {
        try {
            PrefixWriter.write(s, prefix, port);
        } catch (IOException | RuntimeException e) {
            discard(s, prefix);
            throw e;
        }
        NginxProcess nginx = NginxProcess.launch(s.nginx(), prefix);
        ControlClient control = new ControlClient(URI.create("http://127.0.0.1:" + port));
        LuaPeer peer = new LuaPeer(s, prefix, port, nginx, control);
        try {
            awaitHealthy(s, nginx, control, port);
            return peer;
        } catch (IOException | RuntimeException e) {
            peer.close(); // stops nginx if it still runs and removes the prefix unless it is kept
            throw e;
        }
    }

    private static void awaitHealthy(PeerSettings s, NginxProcess nginx, ControlClient control, int port)
            throws IOException {
        long deadline = System.nanoTime() + s.startTimeout().toNanos();
        while (true) {
            if (!nginx.isAlive()) {
                if (s.freePort() && nginx.portWasInUse()) {
                    throw new PortInUseException("port " + port + " in use");
                }
                throw new IOException(nginx.failure("nginx (Lua peer) did not start, exit code " + nginx.exitValue()));
            }
            if (control.healthy()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(nginx.failure(
                        "nginx (Lua peer) did not answer on port " + port + " within " + s.startTimeout()));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting nginx", e);
            }
        }
    }

    private static void discard(PeerSettings s, Path prefix) {
        if (!s.keepPrefix()) {
            TempDirs.deleteQuietly(prefix);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
