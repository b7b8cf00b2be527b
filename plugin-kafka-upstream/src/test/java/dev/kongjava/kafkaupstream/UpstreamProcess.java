package dev.kongjava.kafkaupstream;

import dev.kongjava.testkit.JavaProcess;
import dev.kongjava.testkit.KongConnection;
import dev.kongjava.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The kafka-upstream server as Kong runs it: {@code KafkaUpstreamMain} in its own JVM on the test
 * class path, on a socket in a temp dir, its output (the log Kong would capture) in a file there.
 * It can be relaunched on the same socket and log, as Kong respawns a crashed server.
 */
final class UpstreamProcess implements AutoCloseable {
    final Path dir;
    final Path socket;
    private final Path log;
    private final List<String> command;
    private ServerProcess current;

    private UpstreamProcess(Path dir, String logLevel, List<String> wrapper, List<String> args) {
        this.dir = dir;
        this.socket = dir.resolve("kafka-upstream.socket");
        this.log = dir.resolve("server.log");
        List<String> serverArgs = new ArrayList<>(List.of("--socket", socket.toString()));
        serverArgs.addAll(args);
        this.command = new ArrayList<>(wrapper);
        command.addAll(JavaProcess.command(KafkaUpstreamMain.class, serverArgs.toArray(String[]::new)));
        // the test class path brings a simplelogger.properties at warn, which wins over the server's defaults
        command.addAll(
                wrapper.size() + 1,
                List.of(
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + logLevel,
                        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn"));
    }

    /** Starts the server with {@code --socket <dir>/kafka-upstream.socket} plus {@code args}; waits until it accepts. */
    static UpstreamProcess start(String... args) throws IOException, InterruptedException {
        return startLogging("info", args);
    }

    /** Starts the server logging at {@code level}. */
    static UpstreamProcess startLogging(String level, String... args) throws IOException, InterruptedException {
        return start(level, List.of(), args);
    }

    /** Starts the server under {@code wrapper}, a command that runs the rest, e.g. {@code prlimit --nofile=1024}. */
    static UpstreamProcess startUnder(List<String> wrapper, String... args) throws IOException, InterruptedException {
        return start("info", wrapper, args);
    }

    private static UpstreamProcess start(String level, List<String> wrapper, String... args)
            throws IOException, InterruptedException {
        UpstreamProcess server =
                new UpstreamProcess(Files.createTempDirectory("ku-process"), level, wrapper, List.of(args));
        try {
            server.launch();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Starts a new process on the same socket and log, e.g. after a crash. */
    void launch() throws IOException, InterruptedException {
        current = ServerProcess.start(command, Map.of(), socket, log);
    }

    /** SIGTERM, as Kong sends on stop and reload; the exit code, or -1 if it did not exit within {@code timeout}. */
    int sigterm(Duration timeout) throws InterruptedException {
        return current.terminate(timeout);
    }

    /** SIGTERM without waiting for the exit ({@link #onExit()}). */
    void sigterm() {
        current.sigterm();
    }

    /** See {@link ServerProcess#awaitRefusing}. */
    void awaitRefusing(KongConnection pooled) throws InterruptedException {
        current.awaitRefusing(pooled);
    }

    /** Completes with the exit code when the process ends. */
    CompletableFuture<Integer> onExit() {
        return current.onExit();
    }

    /** SIGKILL: a crash; nothing is flushed and the socket file stays behind. */
    void sigkill() {
        current.kill();
    }

    String log() {
        return current == null ? "" : current.log();
    }

    long pid() {
        return current.pid();
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.kill();
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
