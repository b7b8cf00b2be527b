package dev.kongjava.pluginserver.it;

import dev.kongjava.testkit.JavaProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A plugin server as Kong runs it: its own JVM serving a Unix socket, stdout and stderr in a log
 * file. It is started with {@code --exit-with-parent}, so even a test JVM that dies without cleanup
 * leaves no server behind.
 */
final class LuaPeerServerProcess implements AutoCloseable {
    private static final long READY_TIMEOUT_MILLIS = 20_000;

    private final Process process;
    private final Path socket;
    private final Path log;

    private LuaPeerServerProcess(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /** Starts {@code mainClass --socket <socket> --exit-with-parent <extraArgs>} and waits until it accepts. */
    static LuaPeerServerProcess start(Class<?> mainClass, Path socket, Path log, String... extraArgs)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--socket", socket.toString(), "--exit-with-parent"));
        args.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(JavaProcess.command(mainClass, args.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LuaPeerServerProcess server = new LuaPeerServerProcess(p, socket, log);
        try {
            server.awaitAccepting();
        } catch (RuntimeException | InterruptedException e) {
            server.close(); // the process must not outlive a failed start
            throw e;
        }
        return server;
    }

    /**
     * A connect attempt, not the file's existence, tells readiness: after a SIGKILL the old socket
     * file stays behind and refuses connections until the new server has replaced it.
     */
    private void awaitAccepting() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("plugin server exited with " + process.exitValue() + ":\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("plugin server does not accept on " + socket + ":\n" + log());
            }
            Thread.sleep(20);
        }
    }

    private boolean accepts() {
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(socket)).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as when the JVM is OOM-killed: no cleanup, the socket file stays. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, as Kong stops its plugin servers; returns the exit code, or -1 if it did not exit in time. */
    int terminate(long timeoutSeconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeoutSeconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Everything the server printed so far. */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
