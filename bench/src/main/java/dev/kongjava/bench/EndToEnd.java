package dev.kongjava.bench;

import dev.kongjava.bench.GatewaySetup.Column;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 2: HTTP through the nginx/Lua Kong peer with wrk, same connections, duration and broker for
 * every column; rounds interleaved across columns. Per run: wrk's numbers, the peer's RPC counters,
 * the records that reached the topic, and CPU time per request of each process on the machine.
 */
final class EndToEnd {
    /** CPU components, in report order. */
    static final List<String> COMPONENTS = List.of("nginx", "plugin server", "broker", "wrk", "other");

    /** One wrk run of one column. */
    record Run(
            Wrk.Report wrk,
            long acknowledged,
            long delivered,
            double rpcPerRequest,
            double pdkPerRequest,
            Map<String, Double> cpuUsPerRequest) {}

    /** All rounds of one column at one body size. */
    record Result(Column column, int bodySize, List<Run> runs) {
        Samples.Spread rps() {
            return spread(runs.stream().map(r -> r.wrk().rps()).toList());
        }

        Samples.Spread p50() {
            return spread(runs.stream().map(r -> r.wrk().p50Ms()).toList());
        }

        Samples.Spread p99() {
            return spread(runs.stream().map(r -> r.wrk().p99Ms()).toList());
        }

        Samples.Spread rpcPerRequest() {
            return spread(runs.stream().map(Run::rpcPerRequest).toList());
        }

        Samples.Spread cpu(String component) {
            return spread(
                    runs.stream().map(r -> r.cpuUsPerRequest().get(component)).toList());
        }

        /** CPU of every process per request, summed per run, over the runs. */
        Samples.Spread cpuTotal() {
            return spread(runs.stream()
                    .map(r -> r.cpuUsPerRequest().values().stream()
                            .mapToDouble(Double::doubleValue)
                            .sum())
                    .toList());
        }

        long acknowledged() {
            return runs.stream().mapToLong(Run::acknowledged).sum();
        }

        long delivered() {
            return runs.stream().mapToLong(Run::delivered).sum();
        }

        long failures() {
            return runs.stream()
                    .mapToLong(r -> r.wrk().non2xx() + r.wrk().socketErrors())
                    .sum();
        }

        private static Samples.Spread spread(List<Double> values) {
            return Samples.Spread.of(values);
        }
    }

    private final Env env;
    private final Topics topics;
    private final long brokerPid;

    EndToEnd(Env env, Topics topics, long brokerPid) {
        this.env = env;
        this.topics = topics;
        this.brokerPid = brokerPid;
    }

    List<Result> run(GatewaySetup gw) throws IOException {
        List<Result> results = new ArrayList<>();
        for (int size : env.bodySizes()) {
            Path script = Wrk.script(env.work(), Bodies.write(env.work(), size));
            Log.info("part 2, %s bodies: warming up %d s per column", Bodies.label(size), env.e2eWarmupSeconds());
            for (Column c : GatewaySetup.COLUMNS) {
                measure(gw, c, script, env.e2eWarmupSeconds(), "warmup");
            }
            Map<Column, List<Run>> runs = new LinkedHashMap<>();
            GatewaySetup.COLUMNS.forEach(c -> runs.put(c, new ArrayList<>()));
            for (int r = 0; r < env.e2eRounds(); r++) {
                for (int i = 0; i < GatewaySetup.COLUMNS.size(); i++) {
                    Column c = GatewaySetup.COLUMNS.get((i + r) % GatewaySetup.COLUMNS.size());
                    Run run = measure(gw, c, script, env.e2eSeconds(), "r" + (r + 1));
                    runs.get(c).add(run);
                    Log.info(
                            "part 2 %s round %d %s: %.0f req/s p50 %.2f ms p99 %.2f ms, %.2f RPC/req, "
                                    + "acknowledged %d delivered %d, non-2xx %d",
                            Bodies.label(size),
                            r + 1,
                            c.key(),
                            run.wrk().rps(),
                            run.wrk().p50Ms(),
                            run.wrk().p99Ms(),
                            run.rpcPerRequest(),
                            run.acknowledged(),
                            run.delivered(),
                            run.wrk().non2xx());
                }
            }
            runs.forEach((c, list) -> results.add(new Result(c, size, list)));
        }
        return results;
    }

    /** One wrk run of one column, with counters reset before and read after everything settled. */
    Run measure(GatewaySetup gw, Column c, Path script, int seconds, String tag) throws IOException {
        gw.peer.resetStats();
        long before = c.topic() == null ? 0 : topics.count(c.topic());
        long serverPid = gw.serverPid(c);
        long nginx0 = ProcStat.cpuMillisWithChildren(gw.peer.pid());
        long server0 = ProcStat.cpuMillis(serverPid);
        long broker0 = ProcStat.cpuMillis(brokerPid);
        long machine0 = ProcStat.machineBusyMillis();
        Wrk.Report wrk = Wrk.run(env, script, gw.url(c.route()), seconds, "wrk-" + c.key() + "-" + tag);
        Map<String, Double> cpu = new LinkedHashMap<>();
        double perRequest = 1000.0 / Math.max(1, wrk.requests());
        long nginx = ProcStat.cpuMillisWithChildren(gw.peer.pid()) - nginx0;
        long server = ProcStat.cpuMillis(serverPid) - server0;
        long broker = ProcStat.cpuMillis(brokerPid) - broker0;
        long machine = ProcStat.machineBusyMillis() - machine0;
        cpu.put("nginx", nginx * perRequest);
        cpu.put("plugin server", server * perRequest);
        cpu.put("broker", broker * perRequest);
        cpu.put("wrk", wrk.wrkCpuMillis() * perRequest);
        cpu.put("other", Math.max(0, machine - nginx - server - broker - wrk.wrkCpuMillis()) * perRequest);
        long delivered = 0;
        if (c.topic() != null) {
            delivered = topics.settle(c.topic(), Duration.ofMillis(1500), Duration.ofSeconds(30))
                            .count()
                    - before;
        } else {
            Child.sleep(500);
        }
        Map<String, Object> stats = gw.peer.stats();
        long acknowledged = statusCount(stats, "200");
        long requests = ((Number) stats.getOrDefault("requests", 0)).longValue();
        double rpc = requests == 0 ? 0 : ((Number) stats.getOrDefault("rpc_calls_access", 0)).doubleValue() / requests;
        double pdk = requests == 0 ? 0 : ((Number) stats.getOrDefault("pdk_calls_access", 0)).doubleValue() / requests;
        if (wrk.non2xx() > 0) {
            Log.info(
                    "%s %s: %d non-2xx answers; statuses from the peer: %s",
                    c.key(), tag, wrk.non2xx(), stats.get("status"));
        }
        if (c.sync() && delivered != acknowledged) {
            Log.info(
                    "ASSERTION FAILED: sync column %s delivered %d records but acknowledged %d requests",
                    c.key(), delivered, acknowledged);
        }
        return new Run(wrk, acknowledged, delivered, rpc, pdk, cpu);
    }

    static long statusCount(Map<String, Object> stats, String status) {
        Object byStatus = stats.get("status");
        if (byStatus instanceof Map<?, ?> m && m.get(status) instanceof Number n) {
            return n.longValue();
        }
        return 0;
    }
}
