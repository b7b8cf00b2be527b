package dev.kongjava.packaging.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The plugin server as Kong runs it: the launcher ({@code kong-config/kafka-upstream}, which adds
 * {@code --exit-with-parent}) in its own process, with the socket in a temp prefix. Its log goes to
 * a file next to the socket.
 */
final class PluginServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path socket;
    private final Path log;

    private PluginServerProcess(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /** Starts the server and waits until its socket exists. */
    static PluginServerProcess start(DemoOptions options, Path prefix) throws IOException, InterruptedException {
        Path socket = prefix.resolve("kafka-upstream.socket");
        Path log = prefix.resolve("kafka-upstream.log");
        ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", options.launcher().toString(),
                "--socket", socket.toString()));
        builder.environment().putAll(launcherEnvironment(options));
        builder.environment().put("KAFKA_UPSTREAM_HEAP", "-Xms32m -Xmx256m");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        PluginServerProcess server = new PluginServerProcess(builder.start(), socket, log);
        server.awaitSocket();
        return server;
    }

    /** What the launcher needs to find this JVM's Java and the checkout's jar. */
    static Map<String, String> launcherEnvironment(DemoOptions options) {
        return Map.of("KAFKA_UPSTREAM_JAVA", System.getProperty("java.home"),
                "KAFKA_UPSTREAM_JAR", options.jar().toString());
    }

    /** Kong's query_cmd: the launcher with --dump; the environment goes on the command line, as nginx strips it. */
    static String queryCommand(DemoOptions options) {
        StringBuilder command = new StringBuilder();
        for (Map.Entry<String, String> e : launcherEnvironment(options).entrySet()) {
            command.append(e.getKey()).append('=').append(shellQuote(e.getValue())).append(' ');
        }
        return command.append("exec /bin/sh ").append(shellQuote(options.launcher().toString())).append(" --dump").toString();
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private void awaitSocket() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(socket)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IOException("the plugin server did not open " + socket + "; its log:\n" + logText());
            }
            Thread.sleep(50);
        }
    }

    long pid() {
        return process.pid();
    }

    Path socket() {
        return socket;
    }

    Path log() {
        return log;
    }

    Process process() {
        return process;
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, as Kong sends on stop: the server flushes accepted messages and exits. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
