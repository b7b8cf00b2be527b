package dev.kongjava.bench;

import dev.kongjava.testkit.luapeer.LuaPeer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The end-to-end stack: three plugin servers (kafka-upstream, our no-op server, Kong's JS server
 * with kafka-js) behind one nginx/Lua Kong peer with one route per column, all against one broker.
 */
final class GatewaySetup implements AutoCloseable {
    /** One column of the end-to-end table: the route wrk hits and the topic it fills (or null). */
    record Column(String key, String label, String route, String topic, String server, boolean sync) {}

    static final List<Column> COLUMNS = List.of(
            new Column("a", "(a) no-op Java plugin, exit 200", "/noop", null, "noop", false),
            new Column("b", "(b) kafka-upstream, default config (async)", "/kafka-async", "e2e-async", "kafka", false),
            new Column("c", "(c) kafka-upstream, sync, acks=1", "/kafka-sync", "e2e-sync", "kafka", true),
            new Column("d", "(d) kafka-upstream, all forward flags (async)", "/kafka-fwd", "e2e-fwd", "kafka", false),
            new Column("e", "(e) JS plugin server + kafkajs (async)", "/js", "e2e-js", "js", false));

    final Child kafkaServer;
    final Child noopServer;
    final Child jsServer;
    final LuaPeer peer;

    private GatewaySetup(Child kafkaServer, Child noopServer, Child jsServer, LuaPeer peer) {
        this.kafkaServer = kafkaServer;
        this.noopServer = noopServer;
        this.jsServer = jsServer;
        this.peer = peer;
    }

    /** The kafka-upstream server every part shares (owned by the caller), on {@code ku.sock}. */
    static Child startKafkaUpstream(Env env, String name) throws IOException {
        java.nio.file.Files.deleteIfExists(env.work().resolve("ku.sock"));
        Child kafka = Child.start(
                name,
                env.kafkaUpstream(
                        List.of("--socket", env.work().resolve("ku.sock").toString())),
                env.logs(),
                Map.of());
        kafka.awaitSocket(env.work().resolve("ku.sock"));
        return kafka;
    }

    /** Starts the no-op and JS servers and the peer in front of them and of {@code kafka}. */
    static GatewaySetup start(Env env, String bootstrap, Child kafka) throws IOException {
        List<Child> started = new ArrayList<>();
        try {
            Child noop = Child.start(
                    "e2e-noop",
                    env.benchJava(
                            "dev.kongjava.bench.NoopServerMain",
                            List.of("--socket", env.work().resolve("noop.sock").toString())),
                    env.logs(),
                    Map.of());
            started.add(noop);
            Child js = Child.start(
                    "e2e-js",
                    env.jsServer("kafka", List.of("-p", env.work().toString(), "--sock-name", "js.sock")),
                    env.logs(),
                    env.nodeEnv());
            started.add(js);
            noop.awaitSocket(env.work().resolve("noop.sock"));
            js.awaitSocket(env.work().resolve("js.sock"));
            LuaPeer peer = peer(env, routes(bootstrap));
            return new GatewaySetup(kafka, noop, js, peer);
        } catch (IOException | RuntimeException e) {
            started.forEach(Child::close);
            throw e;
        }
    }

    private static LuaPeer peer(Env env, String routes) throws IOException {
        String node = Machine.which("node");
        return LuaPeer.builder()
                .socketPath(env.work().resolve("ku.sock"))
                .queryCommand(env.dumpCommand(env.kafkaUpstreamJar()))
                .addPluginServer(
                        "noop",
                        env.work().resolve("noop.sock"),
                        List.of(
                                env.java(),
                                "-Xmx64m",
                                "-cp",
                                env.benchClassPath(),
                                "dev.kongjava.bench.NoopServerMain",
                                "--dump"))
                .addPluginServer(
                        "js",
                        env.work().resolve("js.sock"),
                        List.of(
                                "env",
                                "NODE_PATH=" + env.nodeDir().resolve("node_modules"),
                                node,
                                env.jsPluginServer().toString(),
                                "-d",
                                env.jsPlugins("kafka").toString(),
                                "--dump-all-plugins"))
                .declarativeConfig(routes)
                .workers(env.nginxWorkers())
                .logLevel("warn")
                .start();
    }

    /** One route per column, plus /soak for part 4, all with the peer's (Kong's) defaults filled in. */
    static String routes(String bootstrap) {
        String[] hp = bootstrap.split(":");
        String brokers = "\"bootstrap_servers\":[{\"host\":\"" + hp[0] + "\",\"port\":" + hp[1] + "}]";
        String sync = ",\"producer_async\":false,\"producer_request_acks\":1";
        String forward = ",\"forward_method\":true,\"forward_uri\":true,\"forward_headers\":true,\"forward_body\":true";
        return "{\"routes\":["
                + route("noop", "/noop", "bench-noop", "{\"calls\":0}") + ","
                + route("kafka-async", "/kafka-async", "kafka-upstream", "{" + brokers + ",\"topic\":\"e2e-async\"}")
                + ","
                + route(
                        "kafka-sync",
                        "/kafka-sync",
                        "kafka-upstream",
                        "{" + brokers + ",\"topic\":\"e2e-sync\"" + sync + "}")
                + ","
                + route(
                        "kafka-fwd",
                        "/kafka-fwd",
                        "kafka-upstream",
                        "{" + brokers + ",\"topic\":\"e2e-fwd\"" + forward + "}")
                + ","
                + route("js", "/js", "kafka-js", "{\"bootstrap\":\"" + bootstrap + "\",\"topic\":\"e2e-js\"}") + ","
                + route("soak", "/soak", "kafka-upstream", "{" + brokers + ",\"topic\":\"soak\"}")
                + "]}";
    }

    static String route(String name, String path, String plugin, String config) {
        return "{\"name\":\"" + name + "\",\"paths\":[\"" + path + "\"],\"plugins\":[{\"name\":\"" + plugin
                + "\",\"config\":" + config + "}]}";
    }

    /** The pid of the plugin server behind a column. */
    long serverPid(Column c) {
        return switch (c.server()) {
            case "noop" -> noopServer.pid();
            case "js" -> jsServer.pid();
            default -> kafkaServer.pid();
        };
    }

    String url(String route) {
        return peer.baseUri() + route;
    }

    @Override
    public void close() {
        peer.close();
        jsServer.close();
        noopServer.close();
    }
}
