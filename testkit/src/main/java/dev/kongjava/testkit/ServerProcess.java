package dev.kongjava.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A plugin server in its own process, as Kong runs it: started from a command line, ready once its
 * socket accepts a connection, its output appended to a log file, stopped with SIGTERM (as Kong
 * does) or killed. Used by tests, the demo and the benchmarks alike.
 */
public final class ServerProcess implements AutoCloseable {
    /** How long a healthy server may take to accept, or to react to SIGTERM, on a loaded machine. */
    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path socket;
    private final Path log;

    private ServerProcess(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /**
     * Starts {@code mainClass --socket <socket> --exit-with-parent <extraArgs>} on the test class
     * path; with --exit-with-parent even a test JVM that dies without cleanup leaves no server.
     */
    public static ServerProcess startJava(Class<?> mainClass, Path socket, Path log, String... extraArgs)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--socket", socket.toString(), "--exit-with-parent"));
        args.addAll(List.of(extraArgs));
        return start(JavaProcess.command(mainClass, args.toArray(String[]::new)), Map.of(), socket, log);
    }

    /** Starts {@code command} with {@code env} added to this process's environment; waits until it accepts. */
    public static ServerProcess start(List<String> command, Map<String, String> env, Path socket, Path log)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        ServerProcess server = new ServerProcess(builder.start(), socket, log);
        try {
            server.awaitAccepting();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.kill(); // the process must not outlive a failed start
            throw e;
        }
        return server;
    }

    /**
     * A connect attempt, not the file's existence, tells readiness: after a SIGKILL the old socket
     * file stays behind and refuses connections until a new server has replaced it.
     */
    private void awaitAccepting() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT_TIMEOUT.toNanos();
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new IOException("the plugin server exited with " + process.exitValue() + "; its log:\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the plugin server does not accept on " + socket + "; its log:\n" + log());
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

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path socket() {
        return socket;
    }

    /** Completes with the exit code when the process ends. */
    public java.util.concurrent.CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** SIGKILL, as when the JVM is OOM-killed: no cleanup, the socket file stays. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, as Kong stops its plugin servers, without waiting for the exit (see {@link #onExit}). */
    public void sigterm() {
        process.destroy();
    }

    /**
     * After {@link #sigterm()}: waits until the server, asked with GetStatus over {@code pooled} (a
     * connection opened before the signal), has no instance left, or has closed that connection. Its
     * shutdown removes the socket and refuses new instances before it closes the instances and, last,
     * the connections: from then on every new instance, event and connection is refused.
     */
    public void awaitRefusing(KongConnection pooled) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_TIMEOUT.toNanos();
        try {
            while (!Map.of()
                    .equals(((Map<?, ?>) pooled.call(1, "plugin.GetStatus", List.of())
                                    .result())
                            .get("Instances"))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the plugin server still has instances " + WAIT_TIMEOUT.toSeconds()
                            + " s after SIGTERM; its log:\n" + log());
                }
                Thread.sleep(10);
            }
        } catch (IOException closedByTheServer) {
            // the shutdown has reached its end
        }
    }

    /** SIGTERM, as Kong stops its plugin servers; returns the exit code, or -1 if it did not exit in time. */
    public int terminate(Duration timeout) throws InterruptedException {
        sigterm();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Everything the server printed so far (also what earlier processes on the same log printed). */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited within 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            if (terminate(STOP_TIMEOUT) < 0) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }
}
