package dev.kongjava.kafkaupstream;

import dev.kongjava.testkit.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kafka-upstream server as Kong runs it: {@code KafkaUpstreamMain} in its own JVM on the test
 * class path, on a socket in a temp dir, with its stderr (the log Kong would capture) in a file.
 */
final class ServerProcess implements AutoCloseable {
    private static final String SERVING = "serving [kafka-upstream]";
    final Path dir;
    final Path socket;
    private final Path log;
    private final String logLevel;
    private final List<String> args;
    private Process process;

    private ServerProcess(Path dir, String logLevel, List<String> args) {
        this.dir = dir;
        this.socket = dir.resolve("kafka-upstream.socket");
        this.log = dir.resolve("server.log");
        this.logLevel = logLevel;
        this.args = args;
    }

    /** Starts the server with {@code --socket <dir>/kafka-upstream.socket} plus {@code args}; waits for the socket. */
    static ServerProcess start(String... args) throws IOException, InterruptedException {
        return startLogging("info", args);
    }

    /**
     * Starts the server logging at {@code level}, set as a JVM property because the test class path
     * brings a simplelogger.properties at warn, which wins over the server's own defaults.
     */
    static ServerProcess startLogging(String level, String... args) throws IOException, InterruptedException {
        ServerProcess server = new ServerProcess(Files.createTempDirectory("ku-process"), level, List.of(args));
        try {
            server.launch();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Starts a new process on the same socket and log (appending), e.g. after a crash. */
    void launch() throws IOException, InterruptedException {
        long servedBefore = log().lines().filter(l -> l.contains(SERVING)).count();
        List<String> command = new ArrayList<>(List.of("--socket", socket.toString()));
        command.addAll(args);
        List<String> java = new ArrayList<>(JavaProcess.command(KafkaUpstreamMain.class, command.toArray(String[]::new)));
        java.addAll(1, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + logLevel,
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn"));
        process = new ProcessBuilder(java)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)
                || log().lines().filter(l -> l.contains(SERVING)).count() == servedBefore) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("the server did not start; its log:\n" + log());
            }
            Thread.sleep(20);
        }
    }

    Process process() {
        return process;
    }

    /** SIGTERM, as Kong sends on stop and reload. */
    void sigterm() {
        process.destroy();
    }

    /** SIGKILL: a crash; nothing is flushed and the socket file stays behind. */
    void sigkill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws IOException {
        if (process != null) {
            process.destroyForcibly();
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
