package dev.kongjava.packaging.demo;

import dev.kongjava.testkit.TempDirs;
import dev.kongjava.testkit.kafka.KafkaBroker;
import dev.kongjava.testkit.kafka.Listener;
import dev.kongjava.testkit.luapeer.LuaPeer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ./demo.sh}: a Kafka broker in this JVM, the real plugin servers in their own processes
 * (kafka-upstream started by its launcher, as Kong does, and one server per example plugin), a
 * Kong-compatible HTTP front with the service-less routes {@code /kafka} (kafka-upstream) and
 * {@code /tagged} (request-tagger, tag-echo), and a tail of the topic. Ctrl-C (or SIGTERM) stops
 * everything it started.
 */
public final class Demo {
    private final DemoOptions options;
    private final PrintStream out = System.out;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private boolean stopping;

    private Demo(DemoOptions options) {
        this.options = options;
    }

    /** {@code Demo --repo <checkout> [--port 8000] [--front auto|lua|java] [--topic kong-upstream]}; see demo.sh. */
    public static void main(String[] args) throws Exception {
        // The demo prints records; the broker's and clients' shutdown chatter would drown them.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        System.setProperty("org.slf4j.simpleLogger.log.kafka", "error");
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        Demo demo = new Demo(options);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::stop, "demo-stop"));
        try {
            demo.start();
        } catch (Exception e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(1);
        }
        Thread.currentThread().join(); // until Ctrl-C: the shutdown hook stops everything
    }

    private void start() throws Exception {
        Path prefix = Files.createTempDirectory("kafka-upstream-demo-");
        own((AutoCloseable) () -> TempDirs.deleteRecursively(prefix));
        out.println("kafka-upstream demo (prefix " + prefix + ")");

        KafkaBroker broker =
                own(KafkaBroker.builder().dataDir(prefix.resolve("kafka")).start());
        broker.createTopic(options.topic(), 1);
        String bootstrap = broker.bootstrap(Listener.PLAINTEXT);
        out.println("  Kafka broker    " + bootstrap + " (KRaft, in the demo JVM), topic " + options.topic());
        own(TopicTail.start(bootstrap, options.topic(), out)); // stopped after the server has flushed

        Map<String, PluginServerProcess> servers = startServers(prefix);
        URI front = startFront(servers, broker.port(Listener.PLAINTEXT));
        URI url = front.resolve(DemoRoute.PATH + "/orders?id=42");
        out.println("  route           " + DemoRoute.PATH + " (no Service) -> kafka-upstream: topic " + options.topic()
                + ", forward_method/uri/headers/body = true");
        out.println("  route           " + DemoRoute.TAGGED_PATH + " (no Service) -> "
                + String.join(", ", DemoRoute.EXAMPLE_PLUGINS) + " (examples/request-tagger)");
        out.println();
        out.println("Try:");
        out.println("  curl -i -X POST '" + url
                + "' -H 'Content-Type: application/json' -d '{\"item\":\"book\",\"qty\":1}'");
        out.println("  curl -i '" + front.resolve(DemoRoute.PATH) + "?flag&tag=a&tag=b'");
        out.println("  curl -i '" + front.resolve(DemoRoute.TAGGED_PATH) + "' -H 'X-Request-Tag: my-first-tag'");
        out.println();
        out.println("Records on " + options.topic() + " appear below. Ctrl-C stops everything.");
    }

    /**
     * One server per pluginserver entry, as Kong 3.9 runs them: kafka-upstream through its launcher,
     * then the example jar once per plugin ({@code --plugin <name>}). Pluginserver name → process.
     */
    private Map<String, PluginServerProcess> startServers(Path prefix) throws Exception {
        Map<String, PluginServerProcess> servers = new LinkedHashMap<>();
        servers.put(DemoRoute.PLUGIN, watched(own(PluginServerProcess.start(options, prefix))));
        for (String plugin : DemoRoute.EXAMPLE_PLUGINS) {
            servers.put(plugin, watched(own(PluginServerProcess.startExample(options, prefix, plugin))));
        }
        servers.forEach((name, server) -> out.println("  plugin server   " + name + ": pid " + server.pid()
                + ", socket " + server.socket() + ", log " + server.log()));
        return servers;
    }

    private PluginServerProcess watched(PluginServerProcess server) {
        // a callback for its effect only: the future it returns has nothing to wait for
        CompletableFuture<Void> unused = server.onExit().thenAccept(code -> {
            if (!stopping()) {
                out.println("plugin server exited (" + code + "); its log:\n" + server.logText());
            }
        });
        return server;
    }

    private URI startFront(Map<String, PluginServerProcess> servers, int kafkaPort) throws Exception {
        int port = choosePort(options.port());
        if (options.front() == DemoOptions.Front.LUA && !LuaPeer.available()) {
            throw new IOException(LuaPeer.unavailableReason());
        }
        String javaFrontNote = "";
        if (options.front() != DemoOptions.Front.JAVA && LuaPeer.available()) {
            try {
                return startLuaPeer(servers, kafkaPort, port);
            } catch (IOException e) {
                if (options.front() == DemoOptions.Front.LUA) {
                    throw e;
                }
                out.println("  (the Lua peer did not start, using the Java front: "
                        + e.getMessage().lines().findFirst().orElse("") + ")");
                javaFrontNote = "; the Lua peer did not start";
            }
        } else if (options.front() == DemoOptions.Front.AUTO) {
            javaFrontNote = "; no nginx with the Lua module here";
        }
        Map<String, Path> sockets = new LinkedHashMap<>();
        servers.forEach((name, server) -> sockets.put(name, server.socket()));
        JavaFront front =
                own(JavaFront.start(port, DemoRoute.routes("127.0.0.1", kafkaPort, options.topic()), sockets));
        out.println("  Kong front      " + front.baseUri() + " (Java HTTP server + FakeKong" + javaFrontNote + ")");
        return front.baseUri();
    }

    private URI startLuaPeer(Map<String, PluginServerProcess> servers, int kafkaPort, int port) throws Exception {
        var builder = LuaPeer.builder()
                .socketPath(servers.get(DemoRoute.PLUGIN).socket())
                .queryShellCommand(PluginServerProcess.queryCommand(options))
                .declarativeConfig(DemoRoute.declarativeJson("127.0.0.1", kafkaPort, options.topic()))
                .bodyBufferSize("1m")
                .maxBodySize("1m");
        for (String plugin : DemoRoute.EXAMPLE_PLUGINS) {
            builder.addPluginServer(
                    plugin, servers.get(plugin).socket(), PluginServerProcess.exampleQueryCommand(options, plugin));
        }
        if (port != 0) {
            builder.port(port);
        }
        LuaPeer peer = own(builder.start());
        out.println("  Kong front      " + peer.baseUri() + " (Lua peer: nginx + Kong's side of the plugin-server"
                + " protocol, pid " + peer.pid() + ")");
        out.println(
                "  Kong's log      " + peer.prefix().resolve("logs/error.log") + " (request-tagger logs each request)");
        return peer.baseUri();
    }

    /** Kong's proxy port when free, else any free port (0). */
    private static int choosePort(int wanted) {
        if (wanted == 0) {
            return 0;
        }
        try (ServerSocket probe = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException taken) {
            return wanted == DemoOptions.KONG_PROXY_PORT ? 0 : wanted;
        }
    }

    /** Registers something to stop; if Ctrl-C came first, stops it right away. */
    private synchronized <T extends AutoCloseable> T own(T resource) throws Exception {
        if (stopping) {
            resource.close();
            throw new InterruptedException("stopped");
        }
        started.push(resource);
        return resource;
    }

    private synchronized boolean stopping() {
        return stopping;
    }

    /** Stops what was started, newest first: front, plugin servers (kafka-upstream flushes), tail, broker, temp files. */
    private synchronized void stop() {
        stopping = true;
        if (started.isEmpty()) {
            return;
        }
        out.println();
        out.println("stopping ...");
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                System.err.println("demo: stopping " + next + ": " + e);
            }
        }
        out.println("stopped.");
        out.flush();
    }
}
