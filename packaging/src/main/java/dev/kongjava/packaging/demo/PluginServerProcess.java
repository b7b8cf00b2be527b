package dev.kongjava.packaging.demo;

import dev.kongjava.testkit.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A plugin server as Kong runs it, in its own process with the socket in a temp prefix and its log in
 * a file next to the socket: kafka-upstream through its launcher ({@code kong-config/kafka-upstream},
 * which adds {@code --exit-with-parent}), an example plugin as examples/request-tagger's kong.conf
 * runs it ({@code java -jar request-tagger.jar --plugin <name>}).
 */
final class PluginServerProcess implements AutoCloseable {
    private final ServerProcess server;
    private final Path log;

    private PluginServerProcess(ServerProcess server, Path log) {
        this.server = server;
        this.log = log;
    }

    /** Starts the server and waits until its socket accepts connections. */
    static PluginServerProcess start(DemoOptions options, Path prefix) throws IOException, InterruptedException {
        Path socket = prefix.resolve("kafka-upstream.socket");
        Path log = prefix.resolve("kafka-upstream.log");
        Map<String, String> env = new HashMap<>(launcherEnvironment(options));
        env.put("KAFKA_UPSTREAM_HEAP", "-Xms32m -Xmx256m");
        List<String> command = List.of("/bin/sh", options.launcher().toString(), "--socket", socket.toString());
        return new PluginServerProcess(ServerProcess.start(command, env, socket, log), log);
    }

    /** Starts the server of one example plugin: the example jar with {@code --plugin <name>}, one process per plugin. */
    static PluginServerProcess startExample(DemoOptions options, Path prefix, String plugin)
            throws IOException, InterruptedException {
        Path socket = prefix.resolve(plugin + ".socket");
        Path log = prefix.resolve(plugin + ".log");
        List<String> command = new ArrayList<>(exampleCommand(options, plugin));
        command.addAll(List.of("--socket", socket.toString(), "--exit-with-parent"));
        return new PluginServerProcess(ServerProcess.start(command, Map.of(), socket, log), log);
    }

    /** Kong's query_cmd of an example plugin: the dump of that plugin only, as Kong 3.9+ needs. */
    static List<String> exampleQueryCommand(DemoOptions options, String plugin) {
        List<String> command = new ArrayList<>(exampleCommand(options, plugin));
        command.add("--dump");
        return command;
    }

    private static List<String> exampleCommand(DemoOptions options, String plugin) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m"));
        if (Runtime.version().feature() >= 23) {
            // msgpack's use of sun.misc.Unsafe would print a warning into the server's log (as the launcher avoids too)
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-jar", options.exampleJar().toString(), "--plugin", plugin));
        return command;
    }

    /** What the launcher needs to find this JVM's Java and the checkout's jar. */
    static Map<String, String> launcherEnvironment(DemoOptions options) {
        return Map.of(
                "KAFKA_UPSTREAM_JAVA",
                System.getProperty("java.home"),
                "KAFKA_UPSTREAM_JAR",
                options.jar().toString());
    }

    /** Kong's query_cmd: the launcher with --dump; the environment goes on the command line, as nginx strips it. */
    static String queryCommand(DemoOptions options) {
        StringBuilder command = new StringBuilder();
        for (Map.Entry<String, String> e : launcherEnvironment(options).entrySet()) {
            command.append(e.getKey())
                    .append('=')
                    .append(shellQuote(e.getValue()))
                    .append(' ');
        }
        return command.append("exec /bin/sh ")
                .append(shellQuote(options.launcher().toString()))
                .append(" --dump")
                .toString();
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    long pid() {
        return server.pid();
    }

    Path socket() {
        return server.socket();
    }

    Path log() {
        return log;
    }

    /** Completes with the exit code when the server ends. */
    CompletableFuture<Integer> onExit() {
        return server.onExit();
    }

    String logText() {
        return server.log();
    }

    /** SIGTERM, as Kong sends on stop: the server flushes accepted messages and exits (SIGKILL after a bound). */
    @Override
    public void close() {
        server.close();
    }
}
