package dev.kongjava.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process the benchmark started: stdout and stderr go to files under the work directory, it is
 * stopped by its own pid (SIGTERM, then SIGKILL after a bound), never by name.
 */
final class Child implements AutoCloseable {
    final String name;
    final Process process;
    final Path stdout;
    final Path stderr;

    private Child(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static Child start(String name, List<String> command, Path logDir, Map<String, String> env) throws IOException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        return new Child(name, pb.start(), out, err);
    }

    long pid() {
        return process.pid();
    }

    /** Waits until {@code ready} holds (e.g. a socket file exists) or fails with the process's stderr. */
    void awaitReady(Predicate<Child> ready, Duration timeout) throws IOException {
        awaitReady(ready, timeout, 20);
    }

    private void awaitReady(Predicate<Child> ready, Duration timeout, long pollMillis) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.test(this)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + ": " + tail(stderr));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " not ready within " + timeout + ": " + tail(stderr));
            }
            sleep(pollMillis);
        }
    }

    /** Waits until the server accepts connections on a Unix socket (the file appears before listen()). */
    void awaitSocket(Path socket) throws IOException {
        awaitSocket(socket, 20);
    }

    /** As {@link #awaitSocket(Path)}, checking every {@code pollMillis} (a cold start is timed by it). */
    void awaitSocket(Path socket, long pollMillis) throws IOException {
        awaitReady(c -> accepts(socket), Duration.ofSeconds(60), pollMillis);
    }

    private static boolean accepts(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (java.nio.channels.SocketChannel probe =
                java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    String stdoutText() {
        return read(stdout);
    }

    /** Waits for the process to end by itself. */
    int await(Duration timeout) throws IOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new IOException(name + " did not finish within " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String tail(Path file) {
        String text = read(file);
        return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
