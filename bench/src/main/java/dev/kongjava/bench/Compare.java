package dev.kongjava.bench;

import dev.kongjava.testkit.luapeer.LuaPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Before/after in one run: two or more kafka-upstream jars, each behind its own nginx/Lua peer, the
 * same broker and wrk, columns (b) and (c) at 512 B, rounds interleaved with a rotating order. Per
 * round it pairs each jar with the first one, so a change is judged against its own baseline under
 * the same load ({@code bench/run.sh --compare before.jar after.jar}).
 */
final class Compare {
    private static final List<String> ROUTES = List.of("async", "sync");

    /** One jar under test with the peer in front of it. */
    private record Side(String name, Child server, LuaPeer peer) {}

    /** One wrk run: req/s and CPU µs per request of the server, nginx and the broker. */
    private record Run(double rps, double server, double nginx, double broker) {}

    private final Env env;
    private final String bootstrap;
    private final long brokerPid;

    Compare(Env env, String bootstrap, long brokerPid) {
        this.env = env;
        this.bootstrap = bootstrap;
        this.brokerPid = brokerPid;
    }

    /** Runs the comparison; returns the markdown table it also logs. */
    String run(List<Path> jars, Topics topics) throws IOException {
        List<Side> sides = new ArrayList<>();
        try {
            for (int i = 0; i < jars.size(); i++) {
                topics.create(List.of("cmp-async-" + i, "cmp-sync-" + i));
                sides.add(start(i, jars.get(i)));
            }
            Path script = Wrk.script(env.work(), Bodies.write(env.work(), 512));
            for (Side s : sides) {
                for (String route : ROUTES) {
                    measure(s, route, script, env.e2eWarmupSeconds());
                }
            }
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            for (int r = 0; r < env.e2eRounds(); r++) {
                for (int k = 0; k < sides.size(); k++) {
                    Side s = sides.get((k + r) % sides.size());
                    for (String route : ROUTES) {
                        Run run = measure(s, route, script, env.e2eSeconds());
                        runs.computeIfAbsent(s.name() + " " + route, x -> new ArrayList<>())
                                .add(run);
                        Log.info(
                                "compare round %d %s %s: %.0f req/s, CPU µs/request server %.1f nginx %.1f broker %.1f",
                                r + 1, s.name(), route, run.rps(), run.server(), run.nginx(), run.broker());
                    }
                }
            }
            String table = table(sides, runs);
            Log.info("%n%s", table);
            return table;
        } finally {
            for (Side s : sides) {
                s.peer().close();
                s.server().close();
            }
        }
    }

    private Side start(int i, Path jar) throws IOException {
        Path socket = env.work().resolve("cmp-" + i + ".sock");
        List<String> cmd = new ArrayList<>(List.of(env.java()));
        cmd.addAll(Env.serverJvm());
        cmd.addAll(List.of("-jar", jar.toString(), "--socket", socket.toString()));
        Child server = Child.start("compare-" + i, cmd, env.logs(), Map.of());
        server.awaitSocket(socket);
        String[] hp = bootstrap.split(":");
        String brokers = "\"bootstrap_servers\":[{\"host\":\"" + hp[0] + "\",\"port\":" + hp[1] + "}]";
        String routes = "{\"routes\":["
                + GatewaySetup.route(
                        "async", "/async", "kafka-upstream", "{" + brokers + ",\"topic\":\"cmp-async-" + i + "\"}")
                + ","
                + GatewaySetup.route(
                        "sync",
                        "/sync",
                        "kafka-upstream",
                        "{" + brokers + ",\"topic\":\"cmp-sync-" + i + "\",\"producer_async\":false,"
                                + "\"producer_request_acks\":1}")
                + "]}";
        LuaPeer peer = LuaPeer.builder()
                .socketPath(socket)
                .queryCommand(env.dumpCommand(jar))
                .declarativeConfig(routes)
                .workers(env.nginxWorkers())
                .logLevel("warn")
                .start();
        return new Side(i + ":" + jar.getFileName(), server, peer);
    }

    private Run measure(Side s, String route, Path script, int seconds) throws IOException {
        long nginx0 = ProcStat.cpuMillisWithChildren(s.peer().pid());
        long server0 = ProcStat.cpuMillis(s.server().pid());
        long broker0 = ProcStat.cpuMillis(brokerPid);
        Wrk.Report wrk = Wrk.run(env, script, s.peer().baseUri() + "/" + route, seconds, "wrk-compare");
        double perRequest = 1000.0 / Math.max(1, wrk.requests());
        Run run = new Run(
                wrk.rps(),
                (ProcStat.cpuMillis(s.server().pid()) - server0) * perRequest,
                (ProcStat.cpuMillisWithChildren(s.peer().pid()) - nginx0) * perRequest,
                (ProcStat.cpuMillis(brokerPid) - broker0) * perRequest);
        if (wrk.non2xx() + wrk.socketErrors() > 0) {
            throw new IOException(s.name() + " " + route + ": " + wrk.non2xx() + " non-2xx, " + wrk.socketErrors()
                    + " socket errors");
        }
        return run;
    }

    /** Medians (min–max) per jar and route, and each jar's per-round ratios to the first jar. */
    private static String table(List<Side> sides, Map<String, List<Run>> runs) {
        StringBuilder md = new StringBuilder("| jar | route | req/s | ÷ first jar | server CPU µs/req | ÷ first jar | "
                + "nginx µs/req | broker µs/req |\n|---|---|---|---|---|---|---|---|\n");
        for (Side s : sides) {
            for (String route : ROUTES) {
                List<Run> mine = runs.get(s.name() + " " + route);
                List<Run> base = runs.get(sides.get(0).name() + " " + route);
                md.append("| ")
                        .append(s.name())
                        .append(" | ")
                        .append(route)
                        .append(" | ")
                        .append(spread(mine, Run::rps).format("%.0f"))
                        .append(" | ")
                        .append(Results.ratio(values(mine, Run::rps), values(base, Run::rps))
                                .format("%.2f"))
                        .append(" | ")
                        .append(spread(mine, Run::server).format("%.1f"))
                        .append(" | ")
                        .append(Results.ratio(values(mine, Run::server), values(base, Run::server))
                                .format("%.2f"))
                        .append(" | ")
                        .append(spread(mine, Run::nginx).format("%.0f"))
                        .append(" | ")
                        .append(spread(mine, Run::broker).format("%.1f"))
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    private static List<Double> values(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        return runs.stream().map(f::applyAsDouble).toList();
    }

    private static Samples.Spread spread(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        return Samples.Spread.of(values(runs, f));
    }

    static List<Path> jars(String list) throws IOException {
        List<Path> jars = new ArrayList<>();
        for (String j : list.split(",")) {
            Path p = Path.of(j.trim()).toAbsolutePath();
            if (!Files.isRegularFile(p)) {
                throw new IOException("--compare: no jar at " + p);
            }
            jars.add(p);
        }
        return jars;
    }
}
